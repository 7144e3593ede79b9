package io.hilnat.host.latency;

import io.hilnat.host.net.NetworkStats;
import io.hilnat.host.space.Block;
import io.hilnat.host.surrogate.CartEnsemble;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * nn-Meter's idea on our blocks: a random forest learns a block's latency from its features (kind,
 * input size, channels, kernel, expansion, stride, SE, activation, MAdds, parameters) over the table's
 * entries, and a subnet's latency is the sum over its blocks. It can price blocks the table never
 * measured, e.g. of another space.
 */
public final class BlockForest implements LatencyPredictor {

  private final CartEnsemble forest = new CartEnsemble(7);
  private final Map<String, double[]> features = new HashMap<>();

  /** Trains on table entries; {@code blocks} maps each key to its block. */
  public BlockForest(Map<String, Block> blocks, Map<String, LatencyStore.Entry> table) {
    List<double[]> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    table.forEach((key, e) -> {
      Block b = blocks.get(key);
      if (b != null) {
        x.add(features(b));
        y.add(Math.log(e.p50()));
      }
    });
    if (x.size() < 3) {
      throw new IllegalArgumentException("the table has " + x.size() + " entries for this space: build it first");
    }
    forest.fit(x.toArray(new double[0][]), y.stream().mapToDouble(Double::doubleValue).toArray());
  }

  @Override
  public String name() {
    return "block-forest";
  }

  @Override
  public double predict(List<Block> blocks) {
    double sum = 0;
    for (Block b : blocks) {
      sum += Math.exp(forest.predict(features(b)));
    }
    return sum;
  }

  private double[] features(Block b) {
    return features.computeIfAbsent(b.key(), k -> {
      NetworkStats stats = NetworkStats.of(TableBuilder.network(b));
      return new double[] {b.kind().ordinal(), b.inputSize(), b.in(), b.out(), b.kernel(), b.mid(), b.stride(), b.se(),
          b.activation().ordinal(), Math.log1p(stats.madds()), Math.log1p(stats.params()), b.residual() ? 1 : 0};
    });
  }
}
