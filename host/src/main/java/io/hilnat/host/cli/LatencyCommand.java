package io.hilnat.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.bench.Machine;
import io.hilnat.host.latency.LatencyEvaluation;
import io.hilnat.host.latency.LatencyStore;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hilnat latency evaluate}: the latency predictors against held-out measured subnets. */
@Command(name = "latency", mixinStandardHelpOptions = true, description = "Latency predictors built from the tables.",
    subcommands = {LatencyCommand.Evaluate.class})
public final class LatencyCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true, description = {
      "Measure random subnets whole on an agent: --fit of them correct the table, --test others are held out;",
      "prints RMSE, share within 5 %% and 10 %%, and Kendall tau of each predictor (JSON), and plots them."})
  static final class Evaluate implements Callable<Integer> {
    @Option(names = "--fit", defaultValue = "20", description = "measured subnets that fit the corrections (default "
        + "${DEFAULT-VALUE})")
    int fit;

    @Option(names = "--test", defaultValue = "100", description = "held-out measured subnets (default "
        + "${DEFAULT-VALUE})")
    int test;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the subnet samples")
    long seed;

    @Option(names = "--out", defaultValue = "runs/latency-eval", description = "folder for the plot and CSV (default "
        + "${DEFAULT-VALUE})")
    Path out;

    @Mixin LatencyOptions table;

    @Mixin AgentOptions agents;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter log = spec.commandLine().getOut();
      SearchSpace s = SearchSpaceLoader.load(table.space);
      String target = agents.targets().get(0);
      ObjectMapper mapper = new ObjectMapper();
      try (AgentClient client = agents.connect(target); LatencyStore store = LatencyStore.open(table.db)) {
        String device = table.device(client);
        List<LatencyEvaluation.Score> scores = LatencyEvaluation.run(s, store, device, client, table.channels,
            table.classes, fit,
            test, seed, table.request(), table.exporter(), table.passes, out);
        ObjectNode report = mapper.createObjectNode().put("benchmark", "latency-predictors").put("space", s.name())
            .put("device", device).put("agent", target).put("fit_subnets", fit).put("test_subnets", test).put("passes",
            table.passes)
            .put("table_entries", store.blocks(device).size());
        Machine.describe(report.putObject("machine"));
        ArrayNode rows = report.putArray("predictors");
        scores.forEach(sc -> rows.add(LatencyEvaluation.toJson(mapper, sc)));
        log.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        for (LatencyEvaluation.Score sc : scores) {
          log.printf(Locale.ROOT, "%-28s RMSE %.4f ms, within 5%% %.0f%%, within 10%% %.0f%%, tau %.3f%n", sc
              .predictor(),
              sc.rmseMs(), 100 * sc.within5(), 100 * sc.within10(), sc.tau());
        }
        log.printf("plot: %s%n", out.resolve("predicted-vs-measured.png"));
      }
      return 0;
    }
  }
}
