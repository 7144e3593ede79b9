package io.hilnat.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hilnat.host.bench.AgentOverheadBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hilnat benchmark NAME}: the project's own performance benchmarks, printing JSON. */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
    description = "Project benchmarks (JSON on stdout, progress on stderr).",
    subcommands = {BenchmarkCommand.AgentOverhead.class})
public final class BenchmarkCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "agent-overhead", mixinStandardHelpOptions = true,
      description = "Agent-reported p50 vs in-process TFLite invoke p50, p50 spread over repeats, upload and set-up cost.")
  static final class AgentOverhead implements Callable<Integer> {
    @Option(names = "--threads", defaultValue = "1", description = "interpreter threads (default ${DEFAULT-VALUE})")
    int threads;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Path work = Files.createTempDirectory("hilnat-bench");
      var report = AgentOverheadBench.run(work, threads, System.err);
      spec.commandLine().getOut().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
      return 0;
    }
  }
}
