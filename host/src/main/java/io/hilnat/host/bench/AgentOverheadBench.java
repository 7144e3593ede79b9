package io.hilnat.host.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.export.TfliteExporter;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.space.SubnetBuilder;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * How much the agent adds to what it measures: for the same models and threads, in the same run, the
 * agent-reported p50 (gRPC, queue, its own timing loop) against the p50 of the TFLite interpreter
 * invoked directly in a plain process (the reference), repeated to show the spread; plus upload and
 * set-up overhead per model.
 */
public final class AgentOverheadBench {

  private static final int REPEATS = 5;
  private static final int RUNS = 200;
  private static final double MIN_SECONDS = 2.0;

  private AgentOverheadBench() {}

  public static ObjectNode run(Path workDir, int threads, PrintStream progress) throws Exception {
    SearchSpace small = SearchSpaceLoader.load("small-mbv3");
    SearchSpace ofa = SearchSpaceLoader.load("ofa-mbv3");
    Map<String, Object[]> models = new java.util.LinkedHashMap<>();
    models.put("small-mbv3 smallest", new Object[] {small, small.smallest()});
    models.put("small-mbv3 random", new Object[] {small, small.sample(new Random(3))});
    models.put("small-mbv3 largest", new Object[] {small, small.largest()});
    models.put("ofa-mbv3 smallest", new Object[] {ofa, ofa.smallest()});
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode report = mapper.createObjectNode();
    report.put("benchmark", "agent-overhead");
    report.put("reference", CApiReference.DESCRIPTION);
    ObjectNode config = report.putObject("configuration");
    config.put("threads", threads).put("runs_per_measurement", RUNS).put("repeats", REPEATS)
        .put("min_seconds_per_measurement", MIN_SECONDS).put("warmup_runs", 20).put("delegate", "xnnpack");
    Machine.describe(report.putObject("machine"));
    ArrayNode results = report.putArray("models");
    CApiReference reference = CApiReference.prepare(workDir);
    try (LocalAgent agent = LocalAgent.start(workDir.resolve("agent-cache"));
        AgentClient client = new AgentClient(agent.target())) {
      for (Map.Entry<String, Object[]> m : models.entrySet()) {
        SearchSpace space = (SearchSpace) m.getValue()[0];
        Architecture arch = (Architecture) m.getValue()[1];
        byte[] model = new TfliteExporter().export(new SubnetBuilder(space).build(arch, 3, 10, 1));
        Path file = workDir.resolve(m.getKey().replace(' ', '-') + ".tflite");
        Files.write(file, model);
        long t = System.nanoTime();
        String sha = client.ensureUploaded(model, file.getFileName().toString());
        double uploadMs = (System.nanoTime() - t) / 1e6;
        double[] agentP50 = new double[REPEATS];
        double[] localP50 = new double[REPEATS];
        double initMs = 0;
        double wallOverheadMs = 0;
        for (int r = 0; r < REPEATS; r++) {
          long call = System.nanoTime();
          BenchmarkResult result = client.benchmark(BenchmarkRequest.newBuilder().setSha256(sha).setThreads(threads)
              .setDelegate("xnnpack")
              .setWarmupRuns(20).setRuns(RUNS).setMinSeconds(MIN_SECONDS).build());
          double callMs = (System.nanoTime() - call) / 1e6;
          double measuredMs = result.getLatenciesMsList().stream().mapToDouble(Double::doubleValue).sum();
          agentP50[r] = result.getStats().getP50Ms();
          initMs = result.getInitMs();
          // everything the call cost beyond the timed runs and warm-up: transport, queue, set-up
          wallOverheadMs = callMs - measuredMs - result.getWarmupRuns() * result.getStats().getMeanMs();
          localP50[r] = reference.measure(file, threads, 20, RUNS, MIN_SECONDS, "xnnpack").get("p50_ms").asDouble();
          progress.printf("%s repeat %d: agent p50 %.4f ms, reference p50 %.4f ms%n", m.getKey(), r + 1,
              agentP50[r], localP50[r]);
        }
        double agentMedian = Spread.median(agentP50);
        double localMedian = Spread.median(localP50);
        ObjectNode node = results.addObject();
        node.put("model", m.getKey()).put("bytes", model.length);
        node.put("agent_p50_ms_median", agentMedian).put("reference_p50_ms_median", localMedian);
        node.put("ratio_agent_over_reference", agentMedian / localMedian);
        node.put("p50_spread_over_repeats_pct", 100 * (Spread.max(agentP50) - Spread.min(agentP50)) / agentMedian);
        node.put("reference_p50_spread_pct", 100 * (Spread.max(localP50) - Spread.min(localP50)) / localMedian);
        node.put("upload_ms", uploadMs).put("init_ms", initMs).put("call_overhead_ms", wallOverheadMs);
        ArrayNode a = node.putArray("agent_p50_ms");
        Arrays.stream(agentP50).forEach(a::add);
        ArrayNode l = node.putArray("reference_p50_ms");
        Arrays.stream(localP50).forEach(l::add);
      }
    }
    double[] ratios = new double[results.size()];
    double[] spreads = new double[results.size()];
    for (int i = 0; i < results.size(); i++) {
      ratios[i] = results.get(i).get("ratio_agent_over_reference").asDouble();
      spreads[i] = results.get(i).get("p50_spread_over_repeats_pct").asDouble();
    }
    ObjectNode summary = report.putObject("summary");
    summary.put("figure", "agent p50 / reference p50").put("unit", "ratio");
    summary.put("worst_ratio", Spread.max(ratios)).put("goal_ratio", 1.02);
    summary.put("worst_p50_spread_pct", Spread.max(spreads)).put("goal_spread_pct", 3.0);
    return report;
  }
}
