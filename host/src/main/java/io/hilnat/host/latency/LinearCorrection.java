package io.hilnat.host.latency;

import io.hilnat.host.space.Block;
import java.util.Arrays;
import java.util.List;

/**
 * A base predictor rescaled by a few measured whole subnets: {@code latency ≈ s·base}, with {@code s} the
 * median of measured / predicted. The scale absorbs what a per-block table misses across the board (fusion,
 * per-call overheads, a device that runs whole networks faster or slower than single blocks); the median
 * keeps one disturbed measurement from moving it, which a least-squares fit on 20 subnets does not.
 */
public final class LinearCorrection implements LatencyPredictor {

  private final LatencyPredictor base;
  private final double scale;

  private LinearCorrection(LatencyPredictor base, double scale) {
    this.base = base;
    this.scale = scale;
  }

  /** Fits on subnets given as blocks with their measured latencies (at least 3). */
  public static LinearCorrection fit(LatencyPredictor base, List<List<Block>> subnets, double[] measured) {
    if (subnets.size() != measured.length || measured.length < 3) {
      throw new IllegalArgumentException("a correction needs at least 3 measured subnets, got " + measured.length);
    }
    double[] ratios = new double[measured.length];
    for (int i = 0; i < measured.length; i++) {
      ratios[i] = measured[i] / base.predict(subnets.get(i));
    }
    Arrays.sort(ratios);
    int n = ratios.length;
    return new LinearCorrection(base, n % 2 == 1 ? ratios[n / 2] : 0.5 * (ratios[n / 2 - 1] + ratios[n / 2]));
  }

  @Override
  public String name() {
    return base.name() + "+correction";
  }

  @Override
  public double predict(List<Block> blocks) {
    return scale * base.predict(blocks);
  }

  public double scale() {
    return scale;
  }
}
