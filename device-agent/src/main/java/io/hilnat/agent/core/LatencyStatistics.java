package io.hilnat.agent.core;

import java.util.Arrays;

/**
 * Summary of per-run latencies. Percentiles interpolate linearly between order statistics (the
 * "R-7" / NumPy default definition); the standard deviation is the population one, as TFLite's
 * benchmark_model reports it.
 */
public record LatencyStatistics(
    double min, double p50, double mean, double p90, double p99, double max, double std, int count) {

  public static LatencyStatistics of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no latencies to summarise");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double mean = Arrays.stream(values).average().orElseThrow();
    double variance = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length;
    return new LatencyStatistics(sorted[0], percentile(sorted, 50), mean, percentile(sorted, 90),
        percentile(sorted, 99), sorted[sorted.length - 1], Math.sqrt(variance), values.length);
  }

  /** Percentile {@code p} in [0, 100] of sorted values, linear interpolation. */
  public static double percentile(double[] sorted, double p) {
    double rank = p / 100.0 * (sorted.length - 1);
    int lower = (int) Math.floor(rank);
    int upper = Math.min(lower + 1, sorted.length - 1);
    return sorted[lower] + (rank - lower) * (sorted[upper] - sorted[lower]);
  }
}
