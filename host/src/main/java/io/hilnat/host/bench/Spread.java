package io.hilnat.host.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/** Min, median, max, mean and standard deviation of a benchmark's values, as its JSON summary gives them. */
final class Spread {

  private Spread() {}

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
  }

  static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  /** The sample standard deviation (n - 1). */
  static double std(double[] v) {
    double m = mean(v);
    return Math.sqrt(Arrays.stream(v).map(a -> (a - m) * (a - m)).sum() / Math.max(1, v.length - 1));
  }

  /** {@code NAME_min}, {@code NAME_median} and {@code NAME_max} of {@code values} into {@code node}. */
  static ObjectNode put(ObjectNode node, String name, List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    return node.put(name + "_min", min(v)).put(name + "_median", median(v)).put(name + "_max", max(v));
  }
}
