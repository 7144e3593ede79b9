package io.hilnat.host.cli;

import io.hilnat.host.job.SearchJob;
import io.hilnat.host.job.SearchOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The main job on its built-in default: a short NAT search on Fashion-MNIST over the tiny-cpu-relu-mbv3 space,
 * top-1 error against latency measured on a local agent, in at most about {@code --minutes} (15): the search
 * and the final test take about {@link #SEARCH_MINUTES} on two cores here, the front's most accurate subnet is
 * fine-tuned alone for at least {@link #FINE_TUNE_MINUTES}, the warm-up gets the rest; on a faster machine the
 * fine-tune gets the minutes the search did not need, on a slower one the time limit ends the search after fewer
 * iterations rather than later. Validation error comes from 3,000 held-out images: with 1,000, a subnet that was
 * merely lucky on them (+3.7 points over its test top-1) displaced the largest from the front.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"The main job on the built-in default: warm a supernet up on Fashion-MNIST, then search it",
        "(NAT, online transfer) for top-1 error vs latency measured on a local agent; prints the report's path."})
public final class DemoCommand implements Callable<Integer> {
  @Mixin ComputeDeviceOption computeDevice;


  /**
   * tiny-mbv3 with cheaper first-stage maps, no 7x7 depthwise kernels and ReLU for hard-swish: each change gave a
   * CPU more training steps in the same time, and a better supernet at equal time (docs/results.md).
   */
  static final String SPACE = "tiny-cpu-relu-mbv3";
  /**
   * Left for the four iterations and the final test after the warm-up, with room to spare on two cores; what they
   * leave goes to the fine-tune. A slower machine ends the search after fewer iterations at the time limit.
   */
  static final double SEARCH_MINUTES = 5;
  /**
   * The least the front's most accurate subnet is fine-tuned alone at the end; it also gets whatever else the time
   * limit leaves. A few minutes alone, without shifts, add most of a point of top-1 (docs/results.md).
   */
  static final double FINE_TUNE_MINUTES = 1;
  /** Warm-ups at least this long leave a supernet that adaptation at the search's default rate sets back. */
  static final double LONG_WARMUP_MINUTES = 20;
  /** The adaptation's rate after a long warm-up: the search's default sets a well-trained supernet back. */
  static final double LONG_WARMUP_ADAPT_LR = 0.002;

  @Option(names = "--out", description = "run folder (default runs/demo-TIMESTAMP)")
  Path out;

  @Option(names = "--minutes", defaultValue = "15",
      description = "time budget (default ${DEFAULT-VALUE}; at least 10): the search gets " + SEARCH_MINUTES + " "
          + "minutes on "
          + "2 cores, the best subnet's fine-tune at least " + FINE_TUNE_MINUTES + " and what the search leaves, the "
          + "supernet's warm-up the rest; from 20 minutes of warm-up on, adaptation runs at a tenth of "
          + "its rate (what a budget reaches on which machine: docs/results.md)")
  double minutes;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|int8",
      description = "what is measured and exported; int8 also reports each front subnet's int8 test top-1 "
          + "(default ${DEFAULT-VALUE})")
  String precision;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter log = spec.commandLine().getOut();
    Path run = out != null ? out : Runs.timestamped("demo");
    if (!(minutes >= 10)) {
      throw new ParameterException(spec.commandLine(), "--minutes must be at least 10 (the search takes about "
          + SEARCH_MINUTES + " on 2 cores and the fine-tune at least " + FINE_TUNE_MINUTES + "; the warm-up needs the "
          + "rest); got " + minutes);
    }
    double warmup = minutes - SEARCH_MINUTES - FINE_TUNE_MINUTES;
    Double adaptLr = warmup >= LONG_WARMUP_MINUTES ? LONG_WARMUP_ADAPT_LR : null;
    SearchOptions options = SearchOptions.builder().space(SPACE).warmupSteps(500).warmupMinutes(warmup)
        .timeLimitMinutes(minutes).augment(false).adaptLr(adaptLr).validationImages(3000).calibrationImages(960)
        .fineTuneMinutes(FINE_TUNE_MINUTES).precision(precision).build();
    log.printf("hilnat demo: NAT search on Fashion-MNIST (space " + SPACE + "), error vs latency on a local agent, "
        + "%.1f minutes (warm-up %.1f, fine-tune of the best subnet what is left, at least %.1f); run folder %s "
        + "(continue after a crash with ./hilnat search --resume %s)%n",
        minutes, warmup, FINE_TUNE_MINUTES, run.toAbsolutePath(), run);
    log.flush();
    long start = System.nanoTime();
    Path report = new SearchJob(run, log).execute(options);
    log.printf("done in %.1f min; report: %s%n", (System.nanoTime() - start) / 6e10, report.toAbsolutePath());
    return 0;
  }
}
