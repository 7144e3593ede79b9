package io.hilnat.host.cli;

import io.hilnat.host.fleet.FleetEntry;
import io.hilnat.host.fleet.FleetFile;
import io.hilnat.host.job.SearchJob;
import io.hilnat.host.job.SearchOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import io.hilnat.host.export.Int8Calibration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hilnat search}: NAT with online supernet transfer, measured latency and adaptive surrogates. */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = {"Neural Architecture Transfer: adapt a supernet to the data while searching it with surrogate-",
        "assisted NSGA-II/III over accuracy and objectives measured on device agents. Resumable."})
public final class SearchCommand implements Callable<Integer> {
  @Mixin ComputeDeviceOption computeDevice;


  @Option(names = "--out", description = "run folder (default runs/search-TIMESTAMP)")
  Path out;

  @Option(names = "--resume", description = "continue the search in this run folder with its stored settings")
  Path resume;

  @Option(names = "--space", description = {"search space (default tiny-mbv3, or the space of --supernet; a copy of "
      + "that space's", "file with other resolutions searches those)"})
  String space;

  @Option(names = "--data", defaultValue = "fashion-mnist", description = "dataset: "
      + io.hilnat.host.data.DatasetSpec.FORMS)
  String data;

  @Option(names = "--supernet", description = "trained supernet folder to start from (default: warm one up here)")
  String supernet;

  @Option(names = "--warmup-steps", defaultValue = "300", description = "sandwich steps to warm a new supernet up "
      + "(default ${DEFAULT-VALUE})")
  int warmupSteps;

  @Option(names = "--warmup-minutes", defaultValue = "0", description = "warm the new supernet up for about so "
      + "many minutes instead of --warmup-steps: the step count is sized from the pace of the first steps and "
      + "re-sized every 50 from the pace since (default: off)")
  double warmupMinutes;

  @Option(names = "--time-limit", defaultValue = "0", description = "minutes the run may take: no iteration starts "
      + "unless, at the last one's pace, it and the final stage still fit (default: none)")
  double timeLimit;

  @Option(names = "--batch", defaultValue = "128", description = "training batch (default ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--augment", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = {"random shifts of the images in supervised warm-up, adaptation and fine-tune (default on;",
          "--no-augment for warm-ups under an epoch, where they cost top-1)"})
  boolean augment;

  @Option(names = "--random-subnets", defaultValue = "" + SearchOptions.RANDOM_SUBNETS, description = "random "
      + "subnets per warm-up step besides "
      + "the largest and smallest (default ${DEFAULT-VALUE})")
  int randomSubnets;

  @Option(names = "--objectives", split = ",", defaultValue = "error,latency",
      description = "minimised: error, madds, params, latency[@DEVICE], energy[@DEVICE], and the TE-NAS proxies "
          + "ntk (NTK condition number) and regions (linear regions, maximised) (default ${DEFAULT-VALUE})")
  List<String> objectives;

  @Option(names = "--constraint", description = "e.g. latency@DEVICE<=2 (ms), madds<=5 (millions); repeatable")
  List<String> constraints = List.of();

  @Option(names = "--agent", description = "device agent 'HOST:PORT [KIND]', or 'adb:SERIAL [KIND]' to "
      + "start one on an Android phone over adb (adb: for the only attached phone); repeatable (default: start one "
      + "on 127.0.0.1)")
  List<String> agents = List.of();

  @Option(names = "--token-file", description = "file holding the agents' bearer token (a board's install.sh "
      + "writes one); the search keeps only this path")
  Path tokenFile;

  @Option(names = "--tls-cert", description = "PEM certificate to trust: talk TLS to the agents")
  Path tlsCert;

  @Option(names = "--insecure-token", description = "send the token over plaintext to agents beyond loopback "
      + "(kept for a resume)")
  boolean insecureToken;

  @Option(names = "--fleet", description = "file listing agents, one 'HOST:PORT [KIND]' or 'adb:SERIAL [KIND]' "
      + "per line (or YAML agents:)")
  Path fleetFile;

  @Option(names = "--iterations", defaultValue = "4", description = "NAT iterations after the initial archive "
      + "(default ${DEFAULT-VALUE})")
  int iterations;

  @Option(names = "--initial", defaultValue = "16", description = "initial archive size (default ${DEFAULT-VALUE})")
  int initial;

  @Option(names = "--candidates", defaultValue = "6", description = "real evaluations per iteration (default "
      + "${DEFAULT-VALUE})")
  int candidates;

  @Option(names = "--population", defaultValue = "100", description = "NSGA population (default ${DEFAULT-VALUE})")
  int population;

  @Option(names = "--generations", defaultValue = "20", description = "NSGA generations per iteration (default "
      + "${DEFAULT-VALUE})")
  int generations;

  @Option(names = "--adapt-steps", defaultValue = "25", description = "supernet adaptation steps per iteration "
      + "(default ${DEFAULT-VALUE})")
  int adaptSteps;

  @Option(names = "--adapt-lr", defaultValue = "" + SearchOptions.ADAPT_LR, description = {"peak learning rate of "
      + "each adaptation (default ${DEFAULT-VALUE}); lower it (e.g. 0.002) for a --supernet",
      "trained to convergence, which the default rate sets back (docs/results.md)"})
  double adaptLr;

  @Option(names = "--adapt-subnets", defaultValue = "2", description = "subnets drawn per adaptation step besides "
      + "the largest (default ${DEFAULT-VALUE})")
  int adaptSubnets;

  @Option(names = "--val-images", defaultValue = "1000", description = "validation images held out of training "
      + "(default ${DEFAULT-VALUE})")
  int validationImages;

  @Option(names = "--calibration-images", defaultValue = "480", description = "batch-norm recalibration images "
      + "(default ${DEFAULT-VALUE})")
  int calibrationImages;

  @Option(names = "--runs", defaultValue = "30", description = "measured runs per latency benchmark (default "
      + "${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--export", defaultValue = "5", description = "front subnets exported as .tflite (default "
      + "${DEFAULT-VALUE})")
  int export;

  @Option(names = "--fine-tune-minutes", defaultValue = "0", description = "at the end, fine-tune the front's most "
      + "accurate subnet alone for about so many minutes and export it too; with --time-limit, for whatever the limit "
      + "leaves if that is more (default: off; NAT's subnets need none)")
  double fineTuneMinutes;

  @Option(names = "--ssl", description = "self-supervised: contrastive supernet training with no labels, subnets "
      + "scored by k-NN on the --labels share")
  boolean ssl;

  @Option(names = "--labels", defaultValue = "100%", description = "share of training labels a --ssl search uses, "
      + "e.g. 1%% (default ${DEFAULT-VALUE})")
  String labels;

  @Option(names = "--lut", description = "latency-table database (./hilnat lut build): each measured device's table "
      + "competes as a latency surrogate, corrected on the search's measurements every iteration")
  String lut;

  @Option(names = "--proxy-pool", defaultValue = "0", description = "seed the initial archive with the TE-NAS "
      + "proxies' best (rank sum of NTK condition number and linear regions) of so many random subnets; 0: at random "
      + "(default ${DEFAULT-VALUE})")
  int proxyPool;

  @Option(names = "--ntk-images", defaultValue = "" + SearchOptions.NTK_IMAGES, description = "training images in "
      + "the NTK behind the condition number (cost grows with the square; default ${DEFAULT-VALUE})")
  int ntkImages;

  @Option(names = "--region-inputs", defaultValue = "" + SearchOptions.REGION_INPUTS, description = "points on the "
      + "segment whose linear regions are counted (default ${DEFAULT-VALUE})")
  int regionInputs;

  @Option(names = "--seed", defaultValue = "1", description = "seed (default ${DEFAULT-VALUE})")
  long seed;

  @Mixin DelegateOption delegateOption;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|int8",
      description = "what is measured and exported: fp32, or int8 (full-integer, calibrated on "
          + Int8Calibration.MIN_IMAGES + " training images; the final test accuracy is then given for both) "
          + "(default ${DEFAULT-VALUE})")
  String precision;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter log = spec.commandLine().getOut();
    if (!ssl && share(labels) < 1) {
      throw new IllegalArgumentException("--labels " + labels + " needs --ssl: a supervised search trains on every "
          + "label");
    }
    if (timeLimit < 0 || timeLimit > 0 && warmupMinutes + fineTuneMinutes >= timeLimit) {
      throw new IllegalArgumentException("--time-limit must be 0 (none) or more minutes than --warmup-minutes and "
          + "--fine-tune-minutes take, to leave time for the search; got " + timeLimit + " (warm-up " + warmupMinutes
          + ", fine-tune " + fineTuneMinutes + ")");
    }
    if (warmupMinutes < 0 || fineTuneMinutes < 0) {
      throw new IllegalArgumentException("--warmup-minutes and --fine-tune-minutes must be 0 (off) or a positive "
          + "number of minutes, not " + warmupMinutes + " and " + fineTuneMinutes);
    }
    if (ntkImages < 2 || regionInputs < 2) {
      throw new IllegalArgumentException("--ntk-images and --region-inputs need at least 2 (a condition number, a "
          + "segment), got " + ntkImages + " and " + regionInputs);
    }
    if (proxyPool < 0) {
      throw new IllegalArgumentException("--proxy-pool must be 0 (no seeding) or a number of random subnets, not "
          + proxyPool);
    }
    if (resume != null) {
      Path report = new SearchJob(resume, log).execute(null);
      log.printf("report: %s%n", report.toAbsolutePath());
      return 0;
    }
    Path run = out != null ? out : Runs.timestamped("search");
    if (java.nio.file.Files.exists(run.resolve("run.db"))) {
      throw new IllegalArgumentException(run + " already holds a search: continue it with --resume " + run
          + " or choose another --out");
    }
    List<String> fleet = new java.util.ArrayList<>(agents);
    if (fleetFile != null) {
      for (FleetEntry e : FleetFile.read(fleetFile)) {
        fleet.add(e.spec());
      }
    }
    String spaceName = space != null ? space
        : supernet != null ? Path.of(supernet).resolve("space.yaml").toString() : "tiny-mbv3";
    SearchOptions options = SearchOptions.builder().space(spaceName).data(data).supernet(supernet)
        .warmupSteps(warmupSteps).warmupMinutes(warmupMinutes).timeLimitMinutes(timeLimit).batch(batch).augment(augment)
        .randomSubnets(randomSubnets).objectives(objectives).constraints(constraints).agents(fleet)
        .initialSamples(initial).iterations(iterations).candidates(candidates).population(population)
        .generations(generations).adaptSteps(adaptSteps).adaptSubnets(adaptSubnets).adaptLr(adaptLr)
        .validationImages(validationImages).calibrationImages(calibrationImages).benchmarkRuns(runs)
        .exportTop(export).fineTuneMinutes(fineTuneMinutes).ssl(ssl).labels(share(labels)).latencyTables(lut)
        .proxyPool(proxyPool).ntkImages(ntkImages).regionInputs(regionInputs).seed(seed)
        .delegate(delegateOption.name).precision(precision)
        .agentTokenFile(tokenFile == null ? null : tokenFile.toString())
        .agentTrustCert(tlsCert == null ? null : tlsCert.toString()).insecureToken(insecureToken).build();
    log.printf("hilnat search: run folder %s (continue after a crash with ./hilnat search --resume %s)%n",
        run.toAbsolutePath(), run);
    log.flush();
    Path report = new SearchJob(run, log).execute(options);
    log.printf("report: %s%n", report.toAbsolutePath());
    return 0;
  }

  /** "1%", "0.01" or "100%" as a fraction. */
  static double share(String text) {
    try {
      String t = text.strip();
      return t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1)) / 100 : Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--labels '" + text + "' is not a share such as 1% or 0.01");
    }
  }
}
