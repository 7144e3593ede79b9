package io.hilnat.host.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.net.NetworkStats;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.Block;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.space.SubnetBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyTableTest {

  private static final java.util.function.Function<io.hilnat.host.net.NetworkDescription, byte[]> FP32 =
      new io.hilnat.host.export.TfliteExporter()::export;

  @TempDir Path dir;

  private static SearchSpace micro() {
    return SearchSpaceLoader.load(Path.of("src/test/resources/spaces/micro.yaml").toString());
  }

  @Test
  void blocksCoverEverySubnetAndAddUpToIt() {
    SearchSpace tiny = SearchSpaceLoader.load("tiny-mbv3");
    Map<String, Block> blocks = TableBuilder.blocks(tiny, 1, 10);
    // per resolution and width: stem, first block, head, and 9 kernel/expand shapes at two positions of 4 stages,
    // less the shapes that channel rounding makes coincide (they share an entry)
    assertTrue(blocks.size() > 400 && blocks.size() <= 3 * 2 * (3 + 4 * 2 * 9), "blocks: " + blocks.size());
    SubnetBuilder builder = new SubnetBuilder(tiny);
    Random random = new Random(5);
    for (int i = 0; i < 20; i++) {
      Architecture a = tiny.sample(random);
      List<Block> parts = builder.blocks(a, 1, 10);
      parts.forEach(b -> assertTrue(blocks.containsKey(b.key()), "table covers " + b.key()));
      long madds = parts.stream().mapToLong(b -> NetworkStats.of(TableBuilder.network(b)).madds()).sum();
      assertEquals(NetworkStats.of(builder.build(a, 1, 10, 0)).madds(), madds, "blocks add up to the subnet");
    }
  }

  @Test
  void correctionRecoversALinearRelation() {
    SearchSpace tiny = SearchSpaceLoader.load("tiny-mbv3");
    SubnetBuilder builder = new SubnetBuilder(tiny);
    LatencyPredictor madds = new LatencyPredictor() {
      @Override
      public String name() {
        return "madds";
      }

      @Override
      public double predict(List<Block> blocks) {
        return blocks.stream().mapToLong(b -> NetworkStats.of(TableBuilder.network(b)).madds()).sum() / 1e6;
      }
    };
    List<List<Block>> nets = new ArrayList<>();
    Random random = new Random(2);
    for (int i = 0; i < 10; i++) {
      nets.add(builder.blocks(tiny.sample(random), 1, 10));
    }
    double[] measured = nets.stream().mapToDouble(b -> 0.3 * madds.predict(b)).toArray();
    measured[4] *= 5; // one disturbed measurement does not move the scale
    LinearCorrection corrected = LinearCorrection.fit(madds, nets, measured);
    assertEquals(0.3, corrected.scale(), 1e-9);
    assertEquals(0.3 * madds.predict(nets.get(0)), corrected.predict(nets.get(0)), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> LinearCorrection.fit(madds, nets.subList(0, 2),
        new double[] {1, 2}));
    LatencyEvaluation.Score perfect = LatencyEvaluation.score("x", new double[] {1, 2, 3}, new double[] {1, 2, 3});
    assertEquals(1.0, perfect.within5());
    LatencyEvaluation.Score off = LatencyEvaluation.score("x", new double[] {1.08, 2, 3.4}, new double[] {1, 2, 3});
    assertEquals(1.0 / 3, off.within5(), 1e-12);
    assertEquals(2.0 / 3, off.within10(), 1e-12);
  }

  @Test
  void tableBuildsOnARealAgentResumesAndFeedsThePredictors() throws Exception {
    SearchSpace micro = micro();
    Map<String, Block> blocks = TableBuilder.blocks(micro, 1, 10);
    BenchmarkRequest request = BenchmarkRequest.newBuilder().setThreads(1).setWarmupRuns(2).setRuns(10)
        .setMinSeconds(0.05).build();
    Path db = dir.resolve("latency.db");
    try (LocalAgent agent = LocalAgent.start(dir.resolve("cache"));
        AgentClient client = new AgentClient(agent.target());
        LatencyStore store = LatencyStore.open(db)) {
      String device = client.describe().getDeviceId();
      assertEquals(blocks.size(), TableBuilder.build(blocks, store, device, client, request, FP32, 1));
      Map<String, LatencyStore.Entry> first = store.blocks(device);
      assertEquals(0, TableBuilder.build(blocks, store, device, client, request, FP32, 2), "nothing was missing");
      store.blocks(device).forEach((k, e) -> assertTrue(e.p50() <= first.get(k).p50(), "a pass keeps the faster"));
      Map<String, LatencyStore.Entry> table = store.blocks(device);
      assertEquals(blocks.keySet(), table.keySet());
      table.values().forEach(e -> assertTrue(e.p50() > 0 && e.p90() >= e.p50() && e.count() >= 10, e.toString()));
      // every block exported full-integer runs too, and its entries are kept apart
      String int8 = io.hilnat.host.agentclient.DeviceKind.tableKey(device, "", "int8");
      assertEquals(blocks.size(), TableBuilder.build(blocks, store, int8, client, request,
          net -> new io.hilnat.host.export.TfliteExporter().exportForLatency(net, true), 1));
      assertEquals(blocks.keySet(), store.blocks(int8).keySet());
      assertEquals(blocks.keySet(), store.blocks(device).keySet(), "the fp32 table is untouched");
      List<LatencyEvaluation.Score> scores = LatencyEvaluation.run(micro, store, device, client, 1, 10, 4, 4, 3,
          request,
          FP32, 1, dir.resolve("eval"));
      assertEquals(List.of("table-sum", "table-sum+correction", "block-forest", "block-forest+correction"),
          scores.stream().map(LatencyEvaluation.Score::predictor).toList());
      scores.forEach(s -> assertTrue(s.rmseMs() >= 0 && s.within10() >= 0 && s.within10() <= 1, s.toString()));
      assertTrue(Files.size(dir.resolve("eval/predicted-vs-measured.png")) > 1000);
      assertEquals(8, store.subnets(device).size(), "measured subnets are kept");

      // the table as a search surrogate: fitted on measured subnets, it predicts their latencies' order
      List<double[]> genes = new ArrayList<>();
      List<Double> measured = new ArrayList<>();
      store.subnets(device).forEach((key, e) -> {
        genes.add(java.util.Arrays.stream(micro.encode(io.hilnat.host.space.ArchitectureFormat.parse(micro,
            key.substring(key.indexOf('/') + 1)))).asDoubleStream().toArray());
        measured.add(e.p50());
      });
      TableSurrogate surrogate = new TableSurrogate(micro, 1, 10, table, device);
      surrogate.fit(genes.toArray(new double[0][]), measured.stream().mapToDouble(Double::doubleValue).toArray());
      double[] predicted = genes.stream().mapToDouble(surrogate::predict).toArray();
      for (double p : predicted) {
        assertTrue(p > 0 && Double.isFinite(p), "predicted " + p);
      }
      assertThrows(IllegalArgumentException.class, () -> new TableSum(Map.of(), device).predict(
          List.copyOf(blocks.values())));
    }
  }
}
