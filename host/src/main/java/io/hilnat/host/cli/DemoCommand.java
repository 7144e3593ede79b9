package io.hilnat.host.cli;

import io.hilnat.host.job.SearchJob;
import io.hilnat.host.job.SearchOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The main job on its built-in default: a short NAT search on Fashion-MNIST over the tiny-mbv3 space,
 * top-1 error against latency measured on a local agent, in at most about 15 minutes: the warm-up lasts 7.5
 * minutes whatever the machine's pace, the search about 5 on two cores here, and on a slower machine the 15-minute
 * time limit ends the search after fewer iterations rather than later. Validation error comes from 3,000 held-out
 * images: with 1,000, a subnet that was merely lucky on them (+3.7 points over its test top-1) displaced the
 * largest from the front.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"The main job on the built-in default: warm a supernet up on Fashion-MNIST, then search it",
        "(NAT, online transfer) for top-1 error vs latency measured on a local agent; prints the report's path."})
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--out", description = "run folder (default runs/demo-TIMESTAMP)")
  Path out;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter log = spec.commandLine().getOut();
    Path run = out != null ? out : Runs.timestamped("demo");
    SearchOptions options = new SearchOptions("tiny-mbv3", "fashion-mnist", null, 500, 7.5, 15.0, 128, false, 1, List.of("error", "latency"),
        List.of(), List.of(), 16, 4, 6, 100, 20, 25, 2, null, 3000, 960, 30, 5, 0, false, 1.0, null, 0, 0, 0, 1);
    log.printf("hilnat demo: NAT search on Fashion-MNIST (space tiny-mbv3), error vs latency on a local agent; "
        + "run folder %s (continue after a crash with ./hilnat search --resume %s)%n", run.toAbsolutePath(), run);
    log.flush();
    long start = System.nanoTime();
    Path report = new SearchJob(run, log).execute(options);
    log.printf("done in %.1f min; report: %s%n", (System.nanoTime() - start) / 6e10, report.toAbsolutePath());
    return 0;
  }
}
