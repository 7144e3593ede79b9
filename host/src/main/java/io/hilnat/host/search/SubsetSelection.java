package io.hilnat.host.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks {@code k} of the surrogate front spread along it: objectives are scaled to [0, 1], then repeatedly
 * the point farthest from everything chosen and from the archive's own front (with no archive front, the
 * best point of the first objective starts). Real evaluations then fill the archive's largest gaps instead of piling
 * up where
 * the surrogate is most optimistic.
 */
public final class SubsetSelection {

  private SubsetSelection() {}

  /** Indices into {@code candidates}; {@code archiveFront} may be empty. */
  public static List<Integer> spread(List<double[]> candidates, List<double[]> archiveFront, int k) {
    List<Integer> chosen = new ArrayList<>();
    if (candidates.isEmpty() || k <= 0) {
      return chosen;
    }
    int m = candidates.get(0).length;
    double[] min = new double[m];
    double[] max = new double[m];
    java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
    List<double[]> all = new ArrayList<>(candidates);
    all.addAll(archiveFront);
    for (double[] p : all) {
      for (int j = 0; j < m; j++) {
        min[j] = Math.min(min[j], p[j]);
        max[j] = Math.max(max[j], p[j]);
      }
    }
    List<double[]> scaled = new ArrayList<>();
    for (double[] p : candidates) {
      scaled.add(scale(p, min, max));
    }
    List<double[]> taken = new ArrayList<>();
    for (double[] p : archiveFront) {
      taken.add(scale(p, min, max));
    }
    if (taken.isEmpty()) {
      int best = 0;
      for (int i = 1; i < scaled.size(); i++) {
        if (scaled.get(i)[0] < scaled.get(best)[0]) {
          best = i;
        }
      }
      chosen.add(best);
      taken.add(scaled.get(best));
    }
    while (chosen.size() < Math.min(k, candidates.size())) {
      int best = -1;
      double bestDistance = -1;
      for (int i = 0; i < scaled.size(); i++) {
        if (chosen.contains(i)) {
          continue;
        }
        double nearest = Double.POSITIVE_INFINITY;
        for (double[] t : taken) {
          nearest = Math.min(nearest, distance(scaled.get(i), t));
        }
        if (nearest > bestDistance) {
          bestDistance = nearest;
          best = i;
        }
      }
      chosen.add(best);
      taken.add(scaled.get(best));
    }
    return chosen;
  }

  private static double[] scale(double[] p, double[] min, double[] max) {
    double[] out = new double[p.length];
    for (int j = 0; j < p.length; j++) {
      out[j] = max[j] > min[j] ? (p[j] - min[j]) / (max[j] - min[j]) : 0;
    }
    return out;
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += (a[j] - b[j]) * (a[j] - b[j]);
    }
    return Math.sqrt(s);
  }
}
