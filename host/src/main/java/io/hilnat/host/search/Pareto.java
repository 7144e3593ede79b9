package io.hilnat.host.search;

import java.util.ArrayList;
import java.util.List;

/** Dominance between objective vectors (all minimised). */
public final class Pareto {

  private Pareto() {}

  public static boolean dominates(double[] a, double[] b) {
    boolean better = false;
    for (int i = 0; i < a.length; i++) {
      if (a[i] > b[i]) {
        return false;
      }
      better |= a[i] < b[i];
    }
    return better;
  }

  /** Indices of the non-dominated points. */
  public static List<Integer> front(List<double[]> points) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      if (dominatedBy(points, i) == 0) {
        out.add(i);
      }
    }
    return out;
  }

  /** How many points dominate point {@code i}: 0 on the front. A cheap stand-in for the front index in rankings. */
  public static int dominatedBy(List<double[]> points, int i) {
    int count = 0;
    for (double[] other : points) {
      if (dominates(other, points.get(i))) {
        count++;
      }
    }
    return count;
  }
}
