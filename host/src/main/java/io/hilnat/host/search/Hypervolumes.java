package io.hilnat.host.search;

import java.util.List;
import org.moeaframework.core.Solution;
import org.moeaframework.core.indicator.Hypervolume;
import org.moeaframework.core.population.NondominatedPopulation;
import org.moeaframework.problem.AbstractProblem;

/**
 * Hypervolume of minimised objective vectors with MOEA Framework's indicator, normalised so that
 * {@code ideal} maps to 0 and {@code reference} to 1 (NAT: the reference is 1.01 × the initial archive's
 * per-objective maximum). Points beyond the reference add nothing.
 */
public final class Hypervolumes {

  private Hypervolumes() {}

  public static double of(List<double[]> points, double[] ideal, double[] reference) {
    int m = ideal.length;
    AbstractProblem shape = new AbstractProblem(0, m) {
      @Override
      public void evaluate(Solution solution) {}

      @Override
      public Solution newSolution() {
        return new Solution(0, m);
      }
    };
    NondominatedPopulation population = new NondominatedPopulation();
    for (double[] p : points) {
      Solution s = new Solution(0, m);
      s.setObjectiveValues(p);
      population.add(s);
    }
    return new Hypervolume(shape, ideal, reference).evaluate(population);
  }

  /** NAT's reference: 1.01 × the per-objective maximum of {@code initial}; the ideal is its minimum. */
  public static double[][] bounds(List<double[]> initial) {
    int m = initial.get(0).length;
    double[] ideal = new double[m];
    double[] reference = new double[m];
    java.util.Arrays.fill(ideal, Double.POSITIVE_INFINITY);
    for (double[] p : initial) {
      for (int j = 0; j < m; j++) {
        ideal[j] = Math.min(ideal[j], p[j]);
        reference[j] = Math.max(reference[j], 1.01 * p[j]);
      }
    }
    return new double[][] {ideal, reference};
  }
}
