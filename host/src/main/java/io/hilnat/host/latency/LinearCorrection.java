package io.hilnat.host.latency;

import io.hilnat.host.space.Block;
import io.hilnat.host.stats.LinearSystems;
import java.util.List;

/**
 * A base predictor corrected by least squares on a few measured whole subnets:
 * {@code latency ≈ a·base + b·blocks + c}. The block count absorbs what a per-block table charges once
 * per block but a whole network pays once (interpreter call, input copy); the scale absorbs fusion.
 */
public final class LinearCorrection implements LatencyPredictor {

  private final LatencyPredictor base;
  private final double[] coefficients;

  private LinearCorrection(LatencyPredictor base, double[] coefficients) {
    this.base = base;
    this.coefficients = coefficients;
  }

  /** Fits on subnets given as blocks with their measured latencies (at least 3). */
  public static LinearCorrection fit(LatencyPredictor base, List<List<Block>> subnets, double[] measured) {
    if (subnets.size() != measured.length || measured.length < 3) {
      throw new IllegalArgumentException("a correction needs at least 3 measured subnets, got " + measured.length);
    }
    double[][] ata = new double[3][3];
    double[] atb = new double[3];
    for (int i = 0; i < measured.length; i++) {
      double[] row = features(base, subnets.get(i));
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          ata[r][c] += row[r] * row[c];
        }
        atb[r] += row[r] * measured[i];
      }
    }
    for (int r = 0; r < 3; r++) {
      ata[r][r] += 1e-9 * (1 + ata[r][r]); // the block count can be constant over a small sample
    }
    return new LinearCorrection(base, LinearSystems.solve(ata, atb));
  }

  @Override
  public String name() {
    return base.name() + "+correction";
  }

  @Override
  public double predict(List<Block> blocks) {
    double[] row = features(base, blocks);
    return coefficients[0] * row[0] + coefficients[1] * row[1] + coefficients[2];
  }

  private static double[] features(LatencyPredictor base, List<Block> blocks) {
    return new double[] {base.predict(blocks), blocks.size(), 1};
  }
}
