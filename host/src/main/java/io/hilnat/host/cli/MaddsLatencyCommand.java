package io.hilnat.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.export.TfliteExporter;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.net.NetworkStats;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.space.SubnetBuilder;
import io.hilnat.host.stats.KendallTau;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Start a local agent, export subnets of a space as .tflite files, measure each on the agent, and show
 * how far MAdds are from measured latency.
 */
@Command(name = "madds-vs-latency", mixinStandardHelpOptions = true,
    description = "Measure subnets of a search space on a local agent (exported .tflite, real TFLite runtime).")
public final class MaddsLatencyCommand implements Callable<Integer> {

  @Option(names = "--space", defaultValue = "small-mbv3", description = "search space (default ${DEFAULT-VALUE})")
  String space;

  @Option(names = "--subnets", defaultValue = "12", description = "subnets to measure, smallest and largest included "
      + "(default ${DEFAULT-VALUE})")
  int subnets;

  @Option(names = "--runs", defaultValue = "30", description = "measured runs per subnet (default ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--seed", defaultValue = "1", description = "seed of the subnet sample")
  long seed;

  @Option(names = "--out", description = "output folder (default runs/madds-vs-latency-TIMESTAMP)")
  Path out;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** One measured subnet. */
  record Row(String key, Architecture arch, long madds, long params, int bytes, BenchmarkResult result) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter log = spec.commandLine().getOut();
    SearchSpace s = SearchSpaceLoader.load(space);
    Path dir = out != null ? out : Runs.timestamped("madds-vs-latency");
    Files.createDirectories(dir.resolve("models"));
    List<Architecture> archs = new ArrayList<>(List.of(s.smallest(), s.largest()));
    Random random = new Random(seed);
    while (archs.size() < subnets) {
      archs.add(s.sample(random));
    }
    log.printf("hilnat madds-vs-latency: %d subnets of space '%s', measured on a local agent; output in %s%n",
        archs.size(), s.name(), dir.toAbsolutePath());
    log.flush();
    List<Row> rows = new ArrayList<>();
    try (LocalAgent agent = LocalAgent.start(dir.resolve("agent-cache"));
        AgentClient client = new AgentClient(agent.target())) {
      log.printf("agent %s: %s%n", agent.target(), client.describe().getDeviceId());
      for (int i = 0; i < archs.size(); i++) {
        Architecture arch = archs.get(i);
        NetworkDescription net = new SubnetBuilder(s).build(arch, 3, 10, i);
        byte[] model = new TfliteExporter().export(net);
        String key = ArchitectureFormat.key(s, arch);
        Files.write(dir.resolve("models").resolve("subnet-" + i + ".tflite"), model);
        String sha = client.ensureUploaded(model, "subnet-" + i);
        BenchmarkResult r = client.benchmark(BenchmarkRequest.newBuilder().setSha256(sha).setThreads(1)
            .setWarmupRuns(5).setWarmupMinSeconds(0.2).setRuns(runs).setMinSeconds(0.5).build());
        NetworkStats stats = NetworkStats.of(net);
        rows.add(new Row(key, arch, stats.madds(), stats.params(), model.length, r));
        log.printf(Locale.ROOT, "[%2d/%d] %-7s res %d width %.1f depth %s: %6.2f M MAdds  p50 %7.3f ms  p90 %7.3f ms%n",
            i + 1, archs.size(), i == 0 ? "smallest" : i == 1 ? "largest" : "random", arch.resolution(), arch.width(),
            arch.stages().stream().map(List::size).toList(), stats.madds() / 1e6, r.getStats().getP50Ms(),
            r.getStats().getP90Ms());
        log.flush();
      }
    }
    write(dir, rows);
    double tau = KendallTau.of(rows.stream().mapToDouble(Row::madds).toArray(),
        rows.stream().mapToDouble(r -> r.result().getStats().getP50Ms()).toArray());
    log.printf(Locale.ROOT, "%nKendall tau between MAdds and measured p50 latency: %.3f (1.0 would mean MAdds rank "
        + "subnets exactly like the device does)%n", tau);
    log.printf("results: %s, %s, %s%n", dir.resolve("subnets.csv"), dir.resolve("subnets.json"),
        dir.resolve("latency-vs-madds.png"));
    return 0;
  }

  private static void write(Path dir, List<Row> rows) throws Exception {
    StringBuilder csv = new StringBuilder("arch_key,resolution,width,madds,params,tflite_bytes,p50_ms,p90_ms,"
        + "mean_ms,std_ms,init_ms,device\n");
    ObjectMapper mapper = new ObjectMapper();
    ArrayNode json = mapper.createArrayNode();
    for (Row r : rows) {
      var st = r.result().getStats();
      csv.append(String.format(Locale.ROOT, "\"%s\",%d,%.1f,%d,%d,%d,%.4f,%.4f,%.4f,%.4f,%.2f,%s%n", r.key(),
          r.arch().resolution(), r.arch().width(), r.madds(), r.params(), r.bytes(), st.getP50Ms(), st.getP90Ms(),
          st.getMeanMs(), st.getStdMs(), r.result().getInitMs(), r.result().getDeviceId()));
      json.addObject().put("arch_key", r.key()).put("arch", ArchitectureFormat.toJson(r.arch()))
          .put("madds", r.madds()).put("params", r.params()).put("p50_ms", st.getP50Ms())
          .put("p90_ms", st.getP90Ms()).put("device", r.result().getDeviceId());
    }
    Files.writeString(dir.resolve("subnets.csv"), csv);
    mapper.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("subnets.json").toFile(), json);
    XYChart chart = new XYChartBuilder().width(800).height(560).title("Measured latency vs MAdds")
        .xAxisTitle("MAdds (millions)").yAxisTitle("p50 latency (ms)").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setLegendVisible(false);
    chart.addSeries("subnets", rows.stream().mapToDouble(r -> r.madds() / 1e6).toArray(),
        rows.stream().mapToDouble(r -> r.result().getStats().getP50Ms()).toArray());
    BitmapEncoder.saveBitmap(chart, dir.resolve("latency-vs-madds.png").toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
