package io.hilnat.host.job;

import io.hilnat.host.engine.ComputeDevice;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.host.fleet.Fleet;
import io.hilnat.host.latency.LatencyStore;
import io.hilnat.host.latency.TableSurrogate;
import io.hilnat.host.fleet.FleetEntry;
import io.hilnat.host.agentclient.DeviceKind;
import io.hilnat.host.search.Archives;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.AgentCredentials;
import io.hilnat.host.bench.DeployedAccuracy;
import io.hilnat.host.data.CalibrationImages;
import io.hilnat.host.export.Int8Calibration;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.ImageSet;
import io.hilnat.host.search.DeviceEvaluator;
import io.hilnat.host.search.Evaluator;
import io.hilnat.host.search.GeneDistribution;
import io.hilnat.host.search.Limit;
import io.hilnat.host.search.Measurement;
import io.hilnat.host.search.NatSearch;
import io.hilnat.host.search.Objective;
import io.hilnat.host.search.ProxyEvaluator;
import io.hilnat.host.proxy.LinearRegions;
import io.hilnat.host.proxy.NtkConditionNumber;
import io.hilnat.host.proxy.Proxies;
import io.hilnat.host.search.RunStore;
import io.hilnat.host.search.StructureEvaluator;
import io.hilnat.host.search.AccuracyEvaluator;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.transfer.SupernetTransfer;
import io.hilnat.host.supernet.SubnetEvaluator;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import io.hilnat.host.supernet.training.TrainerState;
import io.hilnat.host.supernet.training.SupernetTrainer;
import io.hilnat.host.supernet.training.ContrastiveTrainer;
import io.hilnat.host.supernet.KnnProbe;
import io.hilnat.host.supernet.training.Trainer;
import io.hilnat.host.data.Augmentation;
import io.hilnat.host.supernet.training.SubnetFineTuning;
import io.hilnat.host.supernet.training.SupernetTraining;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * A NAT search run, wired: data split into train and validation, a supernet (given, or warmed up in the
 * run folder), evaluators (inherited-weight error, counts, latency on each agent), online adaptation
 * with per-iteration checkpoints, the loop, then the final stage (test accuracy of the front, .tflite
 * exports with inherited weights) and the report. Everything persists in the run folder.
 */
public final class SearchJob {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Run-store key of a time-budgeted warm-up's length in steps, fixed once its pace was measured. */
  private static final String WARMUP_STEPS = "warmup_steps";
  private static final double REGION_SEGMENT = 0.005;
  /** Kept back from a time-limited fine-tune: its subnet's test (10,000 images), its export and the report. */
  static final double FINE_TUNE_TAIL_MINUTES = 0.5;
  private final Path run;
  private final PrintWriter log;
  /** Whether the supernet has never trained on the validation images (its adapted checkpoints say so too). */
  private boolean validationUnseen;

  public SearchJob(Path run, PrintWriter log) {
    this.run = run;
    this.log = log;
  }

  /** Starts a new run, or continues one when {@code options} is null and the run folder holds one. */
  public Path execute(SearchOptions given) throws Exception {
    MeterRegistry metrics = new SimpleMeterRegistry();
    try (RunLock lock = RunLock.acquire(run); RunStore store = RunStore.open(run)) {
      SearchOptions options = resolve(store, given);
      RunClock clock = RunClock.resume(store);
      long started = clock.origin();
      SearchSpace space = SearchSpaceLoader.load(options.space());
      SearchData data = SearchData.load(options.data(), options.validationImages(), options.labels(), options.seed());
      ImageSet trainSet = data.trainSet();
      Batches train = data.train();
      Batches validation = data.validation();
      Batches test = data.test();
      log.printf("data %s: %d training, %d validation, %d test images, %d classes%n", options.data(),
          trainSet.count(), validation.set().count(), test.set().count(), trainSet.classes());
      List<LocalAgent> localAgents = new ArrayList<>();
      Fleet fleet = null;
      try (NDManager manager = ComputeDevice.newManager()) {
        List<FleetEntry> entries = new ArrayList<>();
        options.agents().forEach(a -> entries.add(FleetEntry.parse(a)));
        boolean measured = options.objectives().stream().anyMatch(Objective::onDevice)
            || options.constraints().stream().anyMatch(Objective::onDevice);
        if (entries.isEmpty() && measured) {
          LocalAgent local = LocalAgent.start(run.resolve("agent-cache"));
          localAgents.add(local);
          entries.add(new FleetEntry(local.target(), null));
          log.printf("started a local agent on %s%n", local.target());
        }
        List<String> devices = List.of();
        if (!entries.isEmpty()) {
          fleet = Fleet.start(entries, Fleet.Settings.DEFAULT, new AgentCredentials(
              options.agentTokenFile() == null ? null : Path.of(options.agentTokenFile()),
              options.agentTrustCert() == null ? null : Path.of(options.agentTrustCert()), options.insecureToken()));
          devices = fleet.agents().stream().filter(Fleet.AgentStatus::up)
              .map(Fleet.AgentStatus::deviceKind).distinct().toList();
          log.printf("fleet: %s%n", fleet.agents().stream().map(a -> a.target() + " (" + a.deviceKind()
              + (a.up() ? "" : ", down") + ")").toList());
        }
        String defaultDevice = devices.isEmpty() ? null : devices.get(0);
        List<Objective> objectives = new ArrayList<>();
        options.objectives().forEach(o -> objectives.add(Objective.parse(o, defaultDevice)));
        List<Limit> limits = new ArrayList<>();
        options.constraints().forEach(c -> limits.add(Limit.parse(c, defaultDevice)));
        for (Objective o : objectives) {
          if (o.device() != null && !devices.contains(o.device())) {
            throw new IllegalArgumentException("objective " + o.name() + ": no live agent of device kind '" + o.device()
                + "' in the fleet (kinds: " + devices + "); add one with --agent HOST:PORT");
          }
        }

        Supernet net = phase(metrics, "warm-up").recordCallable(() -> supernet(store, options, space, data, manager));
        FinalStage.Deployment deployment = new FinalStage.Deployment(data.classNames(), train.mean(), train.std(),
            options.data(), options.precision(), arch -> new Int8Calibration(CalibrationImages.draw(train,
                Int8Calibration.MIN_IMAGES, arch.resolution(), options.seed(), manager), train.mean(), train.std(), 0,
                100), (model, arch) -> {
              // the int8 accuracy is measured in the runtime that runs it: a local agent, started when none is
              if (localAgents.isEmpty()) {
                localAgents.add(LocalAgent.start(run.resolve("agent-cache")));
              }
              try (AgentClient client = new AgentClient(localAgents.get(0).target())) {
                return DeployedAccuracy.topOne(client, client.ensureUploaded(model, "int8"), test, arch.resolution(),
                    true, "", manager);
              }
            });
        int[] round = {store.lastAdaptation().map(Map.Entry::getKey).orElse(-1)};
        SubnetEvaluator subnets = new SubnetEvaluator(train, options.calibrationImages(), 200, manager);
        List<Evaluator> evaluators = new ArrayList<>();
        KnnProbe knn = new KnnProbe(subnets, 10, 200, manager);
        int labelled = data.labelled().set().count();
        int tests = test.set().count();
        // the final stage tests on the test images what the search scores on the validation (or labelled) ones
        ToDoubleFunction<Architecture> scored = options.ssl()
            ? arch -> knn.accuracyAsIs(net, arch, data.labelled(), data.labelled())
            : arch -> subnets.accuracyAsIs(net, arch, validation);
        double testPerScored = options.ssl() ? (labelled + tests) / (double) labelled
            : (double) tests / validation.set().count();
        FinalStageBudget finalStage = new FinalStageBudget(arch -> subnets.recalibrate(net, arch), scored,
            testPerScored, arch -> exportOnce(net, arch, space, subnets, deployment), deployment.int8());
        evaluators.add(new TimedEvaluator(new AccuracyEvaluator(options.ssl() ? "knn" : "supernet",
            finalStage::accuracy, () -> round[0], options.ssl() ? "{\"labelled_images\":" + labelled + "}"
                : "{\"validation_images\":" + validation.set().count() + "}"), metrics, "supernet"));
        List<Objective> counted = new ArrayList<>(objectives); // a limit on MAdds needs them counted too
        limits.forEach(l -> counted.add(l.objective()));
        evaluators.add(new StructureEvaluator(space, trainSet.channels(), trainSet.classes(), counted));
        Proxies proxies = proxies(space, data, options, manager);
        if (objectives.stream().anyMatch(Objective::proxy)) {
          evaluators.add(new TimedEvaluator(new ProxyEvaluator(objectives, proxies.ntk(), proxies.regions(),
              options.seed(), JSON.createObjectNode().put("ntk_images", options.ntkImages())
                  .put("region_inputs", options.regionInputs())
                  .put("segment", REGION_SEGMENT).put("seed", options.seed()).toString()), metrics, "proxy"));
        }
        BenchmarkRequest request = BenchmarkRequest.newBuilder().setThreads(1).setWarmupRuns(5)
            .setWarmupMinSeconds(0.1).setRuns(options.benchmarkRuns()).setMinSeconds(0.3)
            .setDelegate(options.delegate() == null ? "" : options.delegate()).build();
        for (String device : devices) {
          if (objectives.stream().anyMatch(o -> device.equals(o.device()))) {
            boolean energy = objectives.stream().anyMatch(o -> o.kind() == Objective.Kind.ENERGY
                && device.equals(o.device()));
            evaluators.add(new TimedEvaluator(new DeviceEvaluator(fleet, device, space,
                arch -> deployment.model(net.extract(arch), arch, ArchitectureFormat.key(space, arch)), request,
                    energy),
                metrics, "device"));
          }
        }
        NatSearch.Adapter adapter = (it, distribution) -> {
          Path dir = phase(metrics, "adaptation").recordCallable(() -> adapt(net, data, options, it, distribution,
              manager));
          round[0] = it;
          return run.relativize(dir).toString();
        };
        NatSearch.Settings settings = new NatSearch.Settings(objectives, limits, options.initialSamples(),
            options.iterations(), options.candidates(), options.population(), options.generations(), 150,
            options.seed());
        clock.checkpoint();
        NatSearch search = new NatSearch(space, store, evaluators, adapter, settings, line -> {
          log.println(line);
          log.flush();
          clock.checkpoint(); // every line is a step of progress: the run's time is kept with it
        });
        if (options.timeLimitMinutes() > 0) {
          // the fine-tune's minutes are kept back; the next iteration is guessed to take as long as the last, and
          // may add all its candidates to the front the final stage tests
          long deadline = started + (long) ((options.timeLimitMinutes() - options.fineTuneMinutes()) * 60e9);
          search.withGate((it, lastSeconds) -> {
            List<String> front = Archives.feasibleFront(store.archive(it - 1), objectives, limits);
            int size = front.size() + options.candidates();
            Architecture sample = front.isEmpty() ? space.smallest() : ArchitectureFormat.parse(space, front.get(0));
            double finalSeconds = finalStage.seconds(size, Math.min(size, options.exportTop()), sample);
            boolean fits = System.nanoTime() + (long) ((lastSeconds + finalSeconds) * 1e9) <= deadline;
            if (!fits) {
              log.printf(Locale.ROOT, "the final stage will need about %.0f s for up to %d subnets%n", finalSeconds,
                  size);
            }
            return fits;
          });
        }
        if (options.proxyPool() > 0) {
          search.withSeeder((pool, n) -> proxies.best(pool, n, options.seed()), options.proxyPool());
        }
        if (options.latencyTables() != null) {
          try (LatencyStore tables = LatencyStore.open(Path.of(options.latencyTables()))) {
            for (Objective o : objectives) {
              Map<String, LatencyStore.Entry> table = tables.blocks(o.device() == null ? ""
                  : DeviceKind.tableKey(o.device(), options.delegate(), options.precision()));
              if (o.kind() == Objective.Kind.LATENCY && !table.isEmpty()) {
                log.printf("latency table for %s: %d entries join the surrogates%n", o.device(), table.size());
                search.withSurrogate(o.name(), () -> new TableSurrogate(space, trainSet.channels(), trainSet.classes(),
                    table, o.device()));
              }
            }
          }
        }
        timed(metrics, "iterations", search::run);
        timed(metrics, "final test", () -> FinalStage.run(store, space, net, arch -> options.ssl()
            ? knn.accuracy(net, arch, data.labelled(), test) : subnets.accuracy(net, arch, test),
            arch -> subnets.recalibrate(net, arch), objectives, limits, options, run, deployment, log));
        if (options.fineTuneMinutes() > 0) {
          double minutes = fineTuneMinutes(options, (System.nanoTime() - started) / 6e10);
          timed(metrics, "fine-tune", () -> FinalStage.fineTuneMostAccurate(store, space, net,
              arch -> fineTune(net, arch, data, options, minutes, subnets, manager), minutes, objectives, limits,
                  options,
              run, deployment, log));
        }
        clock.checkpoint();
        SearchReport.write(store, space, objectives, limits, run, metrics);
        net.close();
      } finally {
        if (fleet != null) {
          fleet.close();
        }
        localAgents.forEach(LocalAgent::close);
      }
    }
    return run.resolve("report.md");
  }

  /** What the final stage does to export {@code arch}, for {@link FinalStageBudget} to time. */
  private static void exportOnce(Supernet net, Architecture arch, SearchSpace space, SubnetEvaluator subnets,
      FinalStage.Deployment deployment) {
    subnets.recalibrate(net, arch);
    deployment.model(net.extract(arch), arch, ArchitectureFormat.key(space, arch));
  }

  /** A step of the run that may fail. */
  private interface Step {
    void run() throws Exception;
  }

  private static void timed(MeterRegistry metrics, String kind, Step step) throws Exception {
    long start = System.nanoTime();
    try {
      step.run();
    } finally {
      phase(metrics, kind).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * The fine-tune's minutes, {@code elapsed} minutes into the run: those asked for or, under a time limit, all it
   * leaves if that is more (a search that needed less time than the limit held back, or ended early, leaves the
   * rest to the subnet that gains most from it), less {@link #FINE_TUNE_TAIL_MINUTES}.
   */
  static double fineTuneMinutes(SearchOptions options, double elapsed) {
    double left = options.timeLimitMinutes() - elapsed - FINE_TUNE_TAIL_MINUTES;
    return options.timeLimitMinutes() > 0 ? Math.max(options.fineTuneMinutes(), left) : options.fineTuneMinutes();
  }

  /** {@code arch} fine-tuned alone on the labelled images for {@code minutes}; its test error and what was done. */
  private Measurement fineTune(Supernet net, Architecture arch, SearchData data, SearchOptions options, double minutes,
      SubnetEvaluator subnets, NDManager manager) throws Exception {
    long start = System.nanoTime();
    long steps = SubnetFineTuning.run(net, arch, data.labelled(), 1, minutes,
        run.resolve("supernet").resolve("fine-tuned"), options.data(), options.seed(), options.augment(), manager);
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Measurement(FinalStage.FINE_TUNED_TEST_ERROR, 1 - subnets.accuracy(net, arch, data.test()),
        "fine-tune@final", JSON.createObjectNode().put("steps", steps).put("seconds", seconds)
            .put("labelled_images", data.labelled().set().count()).toString());
  }

  /** The run's time in one phase (warm-up, iterations, adaptation within them, final test, fine-tune). */
  private static Timer phase(MeterRegistry metrics, String kind) {
    return Timer.builder("hilnat.search.phase").tag("kind", kind).register(metrics);
  }

  private SearchOptions resolve(RunStore store, SearchOptions given) throws Exception {
    Optional<String> stored = store.meta("options");
    if (stored.isPresent()) {
      log.printf("resuming the search in %s with its stored settings%n", run);
      return JSON.readValue(stored.get(), SearchOptions.class);
    }
    if (given == null) {
      throw new IllegalArgumentException(run + " holds no search to resume (no options in run.db); start one "
          + "without --resume");
    }
    store.putMeta("options", JSON.writeValueAsString(given));
    return given;
  }

  /** The supernet as of the last adaptation, else the given one, else one warmed up here (resumable). */
  private Supernet supernet(RunStore store, SearchOptions options, SearchSpace space, SearchData data,
      NDManager manager) throws Exception {
    Optional<Map.Entry<Integer, String>> last = store.lastAdaptation();
    SupernetCheckpoint.HeldOut validationSplit = heldOut(options);
    if (last.isPresent()) {
      log.printf("supernet from %s (after iteration %d)%n", last.get().getValue(), last.get().getKey());
      Path dir = run.resolve(last.get().getValue());
      validationUnseen = SupernetCheckpoint.heldOut(dir).map(validationSplit::equals).orElse(false);
      return SupernetCheckpoint.load(dir, space, manager);
    }
    if (options.supernet() != null) {
      log.printf("supernet from %s%n", options.supernet());
      Path dir = Path.of(options.supernet());
      Optional<SupernetCheckpoint.HeldOut> trained = SupernetCheckpoint.heldOut(dir);
      // an imported supernet never saw any of this data
      validationUnseen = trained.map(validationSplit::equals).orElse(SupernetCheckpoint.origin(dir).isPresent());
      if (!validationUnseen) {
        String warning = String.format("the supernet %s was trained on this search's validation images (it held out "
            + "%s, the search validates on %s): validation errors read low and favour what it memorised; the test "
            + "top-1 is unaffected. For clean validation train it with `hilnat supernet train --data %s "
            + "--val-images %d --seed %d`.", dir, trained.map(Object::toString).orElse("none"), validationSplit,
            options.data(), options.validationImages(), options.seed());
        log.println("warning: " + warning);
        store.putMeta(SearchReport.VALIDATION_WARNING, warning);
      }
      return SupernetTransfer.load(dir, space, data.trainSet().channels(), data.trainSet().classes(), manager,
          options.seed(), log);
    }
    validationUnseen = true;
    Path warmup = run.resolve("supernet").resolve("warmup");
    SupernetCheckpoint.saveHeldOut(warmup, validationSplit);
    Supernet net;
    long done = 0;
    if (Files.isRegularFile(warmup.resolve("supernet.json"))) {
      net = SupernetCheckpoint.load(warmup, space, manager);
      done = SupernetCheckpoint.metadata(warmup).get("steps").asLong();
    } else {
      net = new Supernet(space, data.trainSet().channels(), data.trainSet().classes(), manager, options.seed());
    }
    Function<Random, List<Architecture>> sandwich =
        random -> SupernetTrainer.sandwich(space, options.randomSubnets(), random);
    String kind = options.ssl() ? " without labels (contrastive)" : "";
    if (options.warmupMinutes() > 0) {
      Trainer trainer = trainer(net, data, options, 0.1, SupernetTraining.TIMING_STEPS, options.seed(), manager);
      Optional<String> sized = store.meta(WARMUP_STEPS);
      if (sized.isEmpty()) {
        log.printf("warming up the supernet on %s%s for %.1f minutes: sandwich steps (largest, smallest, %d random) "
            + "of %d images, as many as the pace of the first %d allows, re-sized every %d%n", options.data(), kind,
            options.warmupMinutes(), options.randomSubnets(), options.batch(), SupernetTraining.TIMING_STEPS,
            SupernetTraining.RESIZE_EVERY);
        log.flush();
        long start = System.nanoTime();
        boolean[] announced = {false};
        long reached = SupernetTraining.runFor("supernet warm-up", net, trainer, sandwich, warmup, options.data(), done,
            options.warmupMinutes() * 60, 50, length -> {
              try {
                store.putMeta(WARMUP_STEPS, Long.toString(length));
              } catch (SQLException e) {
                throw new IllegalStateException("could not store the warm-up's length in " + run, e);
              }
              if (!announced[0]) {
                announced[0] = true;
                log.printf("warm-up sized to %d steps%n", length);
                log.flush();
              }
            });
        log.printf(Locale.ROOT, "warm-up: %d steps in %.1f minutes%n", reached, (System.nanoTime() - start) / 6e10);
      } else if (done < Long.parseLong(sized.get())) {
        SupernetTraining.run("supernet warm-up", net, trainer, sandwich, warmup, options.data(), done,
            Long.parseLong(sized.get()), 50);
      }
    } else if (done < options.warmupSteps()) {
      log.printf("warming up the supernet on %s%s: %d sandwich steps (largest, smallest, %d random) of %d images%n",
          options.data(), kind, options.warmupSteps(), options.randomSubnets(), options.batch());
      log.flush();
      Trainer trainer = trainer(net, data, options, 0.1, Math.max(1, options.warmupSteps() / 20), options.seed(),
          manager);
      SupernetTraining.run("supernet warm-up", net, trainer, sandwich, warmup, options.data(), done,
          options.warmupSteps(), 50);
    }
    return net;
  }

  /**
   * TE-NAS's proxies at a cost the search can afford for every real evaluation: one initialisation, an NTK of
   * {@code --ntk-images} training images (16: a few tenths of a second a subnet here) and {@code --region-inputs}
   * points on the regions' segment.
   */
  private static Proxies proxies(SearchSpace space, SearchData data, SearchOptions options, NDManager manager) {
    ImageSet set = data.trainSet();
    return new Proxies(space, new NtkConditionNumber(space, data.train(), options.ntkImages(), 1, manager),
        new LinearRegions(space, set.channels(), set.classes(), options.regionInputs(), REGION_SEGMENT, 1, manager));
  }

  /** Supervised sandwich training with distillation, or contrastive training with no labels. */
  private Trainer trainer(Supernet net, SearchData data, SearchOptions options, double lr, int warmupSteps,
      long seed, NDManager manager) {
    if (options.ssl()) {
      ContrastiveTrainer.oneDeviceNote().ifPresent(note -> log.println("note: " + note));
      return new ContrastiveTrainer(net, data.train(), Augmentation.contrastive(true),
          new ContrastiveTrainer.Config(options.batch(), lr, 0.2, 64, warmupSteps, seed), manager);
    }
    return new SupernetTrainer(net, data.train(), new SupernetTrainer.Config(options.batch(), lr, 0.9, 3e-5,
        options.randomSubnets(), 0.1, warmupSteps, seed, 0, options.augment()), manager);
  }

  /** Online transfer: fine-tunes on subnets from the archive's distribution (the largest first: the teacher). */
  private Path adapt(Supernet net, SearchData data, SearchOptions options, int iteration,
      GeneDistribution distribution, NDManager manager) throws Exception {
    Path dir = run.resolve("supernet").resolve(String.format("iter-%03d", iteration));
    if (options.adaptSteps() > 0) {
      try (NDManager scope = manager.newSubManager()) {
        Trainer trainer = trainer(net, data, options, options.adaptLr(), 1, options.seed() + 1000L * (iteration + 1),
            scope);
        if (trainer instanceof ContrastiveTrainer contrastive) {
          // the projection head goes on from the last training's: a new one each adaptation would start untrained
          try (NDManager saved = scope.newSubManager()) {
            contrastive.restoreHead(TrainerState.read(lastTraining(iteration), saved));
          }
        }
        SupernetTraining.run("adapt " + iteration, net, trainer, random -> {
          List<Architecture> archs = new ArrayList<>(List.of(net.space().largest()));
          for (int i = 0; i < options.adaptSubnets(); i++) {
            archs.add(distribution.sample(random));
          }
          return archs;
        }, dir, options.data(), 0, options.adaptSteps(), Integer.MAX_VALUE);
      }
    } else {
      SupernetCheckpoint.save(net, dir, options.data(), 0);
    }
    if (validationUnseen) {
      SupernetCheckpoint.saveHeldOut(dir, heldOut(options));
    }
    return dir;
  }

  /** The folder of the training before adaptation {@code iteration}: the previous adaptation's, or the warm-up's. */
  private Path lastTraining(int iteration) {
    Path supernets = run.resolve("supernet");
    return iteration > 1 ? supernets.resolve(String.format("iter-%03d", iteration - 1)) : supernets.resolve("warmup");
  }

  /** The training images this search holds out for validation. */
  private static SupernetCheckpoint.HeldOut heldOut(SearchOptions options) {
    return new SupernetCheckpoint.HeldOut(options.data(), options.validationImages(), options.seed());
  }
}
