package io.hilnat.host.surrogate;

import io.hilnat.host.stats.KendallTau;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * NAT's adaptive switching: no surrogate ranks best on every search space and at every archive size,
 * so each NAT iteration picks the one whose cross-validated rank correlation is highest and most
 * stable. Kendall τ rather than an error measure, because the search only needs the order.
 */
public final class AdaptiveSwitching {

  private AdaptiveSwitching() {}

  /** @param scores each candidate's name mapped to its {mean τ, std τ} over the held-out folds */
  public record Choice(String name, double meanTau, double stdTau, Surrogate fitted, Map<String, double[]> scores) {}

  public static List<Supplier<Surrogate>> defaults(long seed) {
    return List.of(RbfSurrogate::new, KrigingSurrogate::new, () -> new CartEnsemble(seed),
        () -> new MlpSurrogate(seed));
  }

  /**
   * Scores each candidate by mean τ − std τ over k folds (penalising a surrogate that ranks well only
   * on lucky splits) and refits the winner on all rows; ties go to the earlier candidate.
   */
  public static Choice select(double[][] x, double[] y, List<Supplier<Surrogate>> candidates, int folds, long seed) {
    Scaling.validate(x, y, 2);
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("no candidate surrogates");
    }
    if (folds < 2) {
      throw new IllegalArgumentException("need at least 2 folds, got " + folds);
    }
    int n = x.length;
    int k = Math.min(folds, n);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    Map<String, double[]> scores = new LinkedHashMap<>();
    Supplier<Surrogate> best = null;
    String bestName = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (Supplier<Surrogate> candidate : candidates) {
      String name = candidate.get().name();
      if (scores.containsKey(name)) {
        throw new IllegalArgumentException("two candidates are named " + name);
      }
      double[] meanStd;
      try {
        meanStd = crossValidate(x, y, candidate, order, k);
      } catch (IllegalArgumentException tooFew) {
        // a model that cannot fit the folds' training rows (RBF and Kriging need 3) sits this round out
        meanStd = new double[] {Double.NEGATIVE_INFINITY, 0};
      }
      scores.put(name, meanStd);
      double score = meanStd[0] - meanStd[1];
      if (best == null || score > bestScore) {
        best = candidate;
        bestName = name;
        bestScore = score;
      }
    }
    if (bestScore == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("no surrogate could be cross-validated on " + n + " rows in " + k
          + " folds: evaluate more subnets first (a larger initial archive)");
    }
    Surrogate fitted = best.get();
    fitted.fit(x, y);
    double[] winner = scores.get(bestName);
    return new Choice(bestName, winner[0], winner[1], fitted, Collections.unmodifiableMap(scores));
  }

  private static double[] crossValidate(double[][] x, double[] y, Supplier<Surrogate> candidate, int[] order,
      int folds) {
    int n = order.length;
    List<Double> taus = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      int testCount = (n - f + folds - 1) / folds;
      if (testCount < 2) {
        continue;
      }
      double[][] trainX = new double[n - testCount][];
      double[] trainY = new double[n - testCount];
      double[][] testX = new double[testCount][];
      double[] testY = new double[testCount];
      for (int p = 0, train = 0, test = 0; p < n; p++) {
        int row = order[p];
        if (p % folds == f) {
          testX[test] = x[row];
          testY[test++] = y[row];
        } else {
          trainX[train] = x[row];
          trainY[train++] = y[row];
        }
      }
      Surrogate surrogate = candidate.get();
      surrogate.fit(trainX, trainY);
      double[] predicted = new double[testCount];
      for (int i = 0; i < testCount; i++) {
        predicted[i] = surrogate.predict(testX[i]);
      }
      taus.add(KendallTau.of(predicted, testY));
    }
    if (taus.isEmpty()) {
      throw new IllegalArgumentException("no fold holds out 2 rows: " + n + " rows in " + folds + " folds");
    }
    double mean = 0;
    for (double tau : taus) {
      mean += tau;
    }
    mean /= taus.size();
    double variance = 0;
    for (double tau : taus) {
      variance += (tau - mean) * (tau - mean);
    }
    return new double[] {mean, Math.sqrt(variance / taus.size())};
  }
}
