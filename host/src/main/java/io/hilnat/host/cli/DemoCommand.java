package io.hilnat.host.cli;

import io.hilnat.host.job.SearchJob;
import io.hilnat.host.job.SearchOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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
   * tiny-mbv3 with cheaper first-stage maps, no 7x7 depthwise kernels and ReLU for hard-swish: at equal time on two
   * cores its supernet is 0.7 points better than tiny-mbv3's, another 0.55 (largest) and 0.87 (smallest) without the
   * 7x7 kernels, and with ReLU 1.24x the training steps of the hard-swish space.
   */
  static final String SPACE = "tiny-cpu-relu-mbv3";
  /**
   * Left for the four iterations and the final test after the warm-up: on 2 cores here they took 1.8-2.2 minutes on
   * tiny-cpu-relu-mbv3 (3.6 on tiny-cpu-mbv3); what they leave goes to the fine-tune. A machine half as fast ends
   * the search after fewer iterations at the time limit (tiny-mbv3's took 6.2 minutes on such a machine).
   */
  static final double SEARCH_MINUTES = 5;
  /**
   * The least the front's most accurate subnet is fine-tuned alone at the end; it also gets whatever else the time
   * limit leaves. Alone, without shifts, 3 minutes took the best subnet of a tiny-mbv3 demo from 90.1 % to 90.9 %
   * test top-1 (with shifts: 90.0 %); in this demo 2.8 minutes took 91.1 % to 91.7 % (at 0.03 instead of 0.01, from
   * the same weights: 91.8 %, as good within noise).
   */
  static final double FINE_TUNE_MINUTES = 1;
  /** Warm-ups at least this long leave a supernet that adaptation at the search's default rate sets back. */
  static final double LONG_WARMUP_MINUTES = 20;
  /** The adaptation's rate after a long warm-up (30 minutes of training: largest 92.1 % at 0.002, 91.9 % at 0.02). */
  static final double LONG_WARMUP_ADAPT_LR = 0.002;

  @Option(names = "--out", description = "run folder (default runs/demo-TIMESTAMP)")
  Path out;

  @Option(names = "--minutes", defaultValue = "15",
      description = "time budget (default ${DEFAULT-VALUE}; at least 10): the search gets " + SEARCH_MINUTES + " minutes on "
          + "2 cores, the best subnet's fine-tune at least " + FINE_TUNE_MINUTES + " and what the search leaves, the "
          + "supernet's warm-up the rest; from 20 minutes of warm-up on, adaptation runs at a tenth of "
          + "its rate. Here 15 gave 92.14-92.47%% top-1 (fine-tuned; 91.33-91.84%% inherited) in 14.6 minutes, "
          + "five runs")
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
    SearchOptions options = new SearchOptions(SPACE, "fashion-mnist", null, 500, warmup, minutes, 128, false, 1,
        List.of("error", "latency"), List.of(), List.of(), 16, 4, 6, 100, 20, 25, 2, adaptLr, 3000, 960, 30, 5,
        FINE_TUNE_MINUTES, false, 1.0, null, 0, 0, 0, 1, null, precision, null, null, false);
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
