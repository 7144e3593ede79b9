package io.hilnat.host.cli;

import io.hilnat.host.job.SearchJob;
import io.hilnat.host.job.SearchOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The main job on its built-in default: a short NAT search on Fashion-MNIST over the tiny-mbv3 space,
 * top-1 error against latency measured on a local agent, in at most about {@code --minutes} (15): the search
 * and the final test take about {@link #SEARCH_MINUTES} on two cores here, the warm-up gets the rest whatever
 * the machine's pace, and on a slower machine the time limit ends the search after fewer iterations rather than
 * later. Validation error comes from 3,000 held-out images: with 1,000, a subnet that was merely lucky on them
 * (+3.7 points over its test top-1) displaced the largest from the front.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"The main job on the built-in default: warm a supernet up on Fashion-MNIST, then search it",
        "(NAT, online transfer) for top-1 error vs latency measured on a local agent; prints the report's path."})
public final class DemoCommand implements Callable<Integer> {

  /** Left for the four iterations and the final test after the warm-up: they took 6.2 minutes on 2 cores here. */
  static final double SEARCH_MINUTES = 7.5;
  /** Warm-ups at least this long leave a supernet that adaptation at the search's default rate sets back. */
  static final double LONG_WARMUP_MINUTES = 20;
  /** The adaptation's rate after a long warm-up (30 minutes of training: largest 92.1 % at 0.002, 91.9 % at 0.02). */
  static final double LONG_WARMUP_ADAPT_LR = 0.002;

  @Option(names = "--out", description = "run folder (default runs/demo-TIMESTAMP)")
  Path out;

  @Option(names = "--minutes", defaultValue = "15",
      description = "time budget (default ${DEFAULT-VALUE}; at least 10): the search gets " + SEARCH_MINUTES + " minutes on "
          + "2 cores, the supernet's warm-up the rest; from 20 minutes of warm-up on, adaptation runs at a tenth of "
          + "its rate. Here 15 gave 89.1%% top-1 in 14.4 minutes, 38 gave 91.9%% in 36.8, 45 gave 92.5%% in 43.9")
  double minutes;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter log = spec.commandLine().getOut();
    Path run = out != null ? out : Runs.timestamped("demo");
    if (!(minutes >= 10)) {
      throw new ParameterException(spec.commandLine(), "--minutes must be at least 10 (the search "
          + "alone takes about " + SEARCH_MINUTES + " on 2 cores, and the warm-up needs the rest); got " + minutes);
    }
    double warmup = minutes - SEARCH_MINUTES;
    Double adaptLr = warmup >= LONG_WARMUP_MINUTES ? LONG_WARMUP_ADAPT_LR : null;
    SearchOptions options = new SearchOptions("tiny-mbv3", "fashion-mnist", null, 500, warmup, minutes, 128, false, 1,
        List.of("error", "latency"), List.of(), List.of(), 16, 4, 6, 100, 20, 25, 2, adaptLr, 3000, 960, 30, 5, 0,
        false, 1.0, null, 0, 0, 0, 1);
    log.printf("hilnat demo: NAT search on Fashion-MNIST (space tiny-mbv3), error vs latency on a local agent, "
        + "%.1f minutes (warm-up %.1f); run folder %s (continue after a crash with ./hilnat search --resume %s)%n",
        minutes, warmup, run.toAbsolutePath(), run);
    log.flush();
    long start = System.nanoTime();
    Path report = new SearchJob(run, log).execute(options);
    log.printf("done in %.1f min; report: %s%n", (System.nanoTime() - start) / 6e10, report.toAbsolutePath());
    return 0;
  }
}
