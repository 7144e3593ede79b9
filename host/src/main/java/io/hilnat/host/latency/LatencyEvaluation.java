package io.hilnat.host.latency;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.Block;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SubnetBuilder;
import io.hilnat.host.stats.KendallTau;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/**
 * How well each latency predictor does on one device: {@code fit} random subnets are measured whole to
 * correct the table, {@code test} other random subnets are measured and held out (each its fastest p50 over
 * {@code passes} passes); each predictor's RMSE,
 * share within ±5 % and ±10 %, and Kendall τ on the held-out ones, with a predicted-vs-measured plot.
 * Measured subnets are kept in the store, so a second evaluation re-measures nothing.
 */
public final class LatencyEvaluation {

  /** One predictor's figures on the held-out subnets. */
  public record Score(String predictor, double rmseMs, double within5, double within10, double tau) {}

  private LatencyEvaluation() {}

  public static List<Score> run(SearchSpace space, LatencyStore store, String device, AgentClient agent,
      int inputChannels,
      int classes, int fit, int test, long seed, BenchmarkRequest template,
      java.util.function.Function<io.hilnat.host.net.NetworkDescription, byte[]> exporter, int passes, Path out)
      throws Exception {
    SubnetBuilder builder = new SubnetBuilder(space);
    Map<String, Block> blocks = TableBuilder.blocks(space, inputChannels, classes);
    Map<String, LatencyStore.Entry> table = store.blocks(device);
    if (!table.keySet().containsAll(blocks.keySet())) {
      throw new IllegalArgumentException("the latency table of " + device + " lacks " + blocks.keySet().stream()
          .filter(k -> !table.containsKey(k)).count() + " of the space's " + blocks.size() + " blocks: run ./hilnat lut"
          + " build --space " + space.name() + " first");
    }
    List<Architecture> fitArchs = space.distinctSamples(fit, new Random(seed), List.of());
    List<Architecture> testArchs = space.distinctSamples(test, new Random(seed + 7919), List.of());
    List<Architecture> all = new ArrayList<>(fitArchs);
    all.addAll(testArchs);
    double[] measured = measure(space, builder, store, device, agent, all, inputChannels, classes, template, exporter,
        passes);
    double[] fitMeasured = java.util.Arrays.copyOfRange(measured, 0, fitArchs.size());
    double[] testMeasured = java.util.Arrays.copyOfRange(measured, fitArchs.size(), measured.length);
    List<List<Block>> fitBlocks = fitArchs.stream().map(a -> builder.blocks(a, inputChannels, classes)).toList();
    List<List<Block>> testBlocks = testArchs.stream().map(a -> builder.blocks(a, inputChannels, classes)).toList();

    TableSum sum = new TableSum(table, device);
    BlockForest forest = new BlockForest(blocks, table);
    List<LatencyPredictor> predictors = List.of(sum, LinearCorrection.fit(sum, fitBlocks, fitMeasured), forest,
        LinearCorrection.fit(forest, fitBlocks, fitMeasured));
    List<Score> scores = new ArrayList<>();
    XYChart chart = new XYChartBuilder().width(800).height(700).title("Latency on " + device + ": predicted vs "
        + "measured")
        .xAxisTitle("measured p50 (ms)").yAxisTitle("predicted (ms)").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    Map<String, double[]> predictions = new LinkedHashMap<>();
    for (LatencyPredictor p : predictors) {
      double[] predicted = testBlocks.stream().mapToDouble(p::predict).toArray();
      predictions.put(p.name(), predicted);
      scores.add(score(p.name(), predicted, testMeasured));
      chart.addSeries(p.name(), testMeasured, predicted);
    }
    double max = java.util.Arrays.stream(testMeasured).max().orElse(1);
    chart.addSeries("y = x", new double[] {0, max}, new double[] {0, max})
        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    Files.createDirectories(out);
    BitmapEncoder.saveBitmap(chart, out.resolve("predicted-vs-measured.png").toString(),
        BitmapEncoder.BitmapFormat.PNG);
    StringBuilder csv = new StringBuilder("arch_key,measured_ms");
    predictions.keySet().forEach(n -> csv.append(',').append(n));
    csv.append('\n');
    for (int i = 0; i < testArchs.size(); i++) {
      csv.append('"').append(ArchitectureFormat.key(space, testArchs.get(i))).append('"')
          .append(String.format(Locale.ROOT, ",%.4f", testMeasured[i]));
      for (double[] v : predictions.values()) {
        csv.append(String.format(Locale.ROOT, ",%.4f", v[i]));
      }
      csv.append('\n');
    }
    Files.writeString(out.resolve("held-out.csv"), csv);
    return scores;
  }

  static Score score(String name, double[] predicted, double[] measured) {
    double squares = 0;
    int within5 = 0;
    int within10 = 0;
    for (int i = 0; i < measured.length; i++) {
      double error = predicted[i] - measured[i];
      squares += error * error;
      double relative = Math.abs(error) / measured[i];
      within5 += relative <= 0.05 ? 1 : 0;
      within10 += relative <= 0.10 ? 1 : 0;
    }
    return new Score(name, Math.sqrt(squares / measured.length), (double) within5 / measured.length,
        (double) within10 / measured.length, KendallTau.of(predicted, measured));
  }

  /** Scores as JSON rows. */
  public static ObjectNode toJson(ObjectMapper mapper, Score s) {
    return mapper.createObjectNode().put("predictor", s.predictor()).put("rmse_ms", s.rmseMs())
        .put("within_5_percent", s.within5()).put("within_10_percent", s.within10()).put("kendall_tau", s.tau());
  }

  /** Measures the subnets the store lacks, then {@code passes − 1} more passes keeping each one's fastest p50. */
  private static double[] measure(SearchSpace space, SubnetBuilder builder, LatencyStore store, String device,
      AgentClient agent, List<Architecture> archs, int inputChannels, int classes, BenchmarkRequest template,
      java.util.function.Function<io.hilnat.host.net.NetworkDescription, byte[]> exporter, int passes)
      throws Exception {
    // the space's name keeps two spaces' gene strings apart
    List<String> keys = archs.stream().map(a -> space.name() + "/" + ArchitectureFormat.key(space, a)).toList();
    Map<String, LatencyStore.Entry> have = store.subnets(device);
    List<Integer> work = new ArrayList<>();
    for (int i = 0; i < archs.size(); i++) {
      if (!have.containsKey(keys.get(i))) {
        work.add(i);
      }
    }
    for (int pass = 1; pass < passes; pass++) {
      for (int i = 0; i < archs.size(); i++) {
        work.add(i);
      }
    }
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName("subnets " + device).setInitialMax(work.size())
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).build()) {
      for (int i : work) {
        store.putSubnet(device, agent.target(), TableBuilder.measure(agent, builder.build(archs.get(i), inputChannels,
            classes, i), keys.get(i), template, exporter));
        bar.step();
      }
    }
    Map<String, LatencyStore.Entry> measured = store.subnets(device);
    return keys.stream().mapToDouble(k -> measured.get(k).p50()).toArray();
  }
}
