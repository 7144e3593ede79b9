package io.hilnat.host.surrogate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.host.stats.KendallTau;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SurrogateTest {

  private static final int GENES = 22;
  private static final double[] WEIGHTS = weights();

  /**
   * A few genes dominate, as depth and width genes do in NAT spaces. With near-uniform weights the
   * forest, which splits on a few features at a time, ranks a 22-dimensional additive target at
   * only τ ≈ 0.57.
   */
  private static double[] weights() {
    Random random = new Random(7);
    double[] w = new double[GENES];
    for (int i = 0; i < GENES; i++) {
      double u = random.nextDouble();
      w[i] = 0.05 + 1.5 * u * u * u;
    }
    return w;
  }

  private static double[][] genes(int rows, Random random) {
    double[][] x = new double[rows][GENES];
    for (double[] row : x) {
      for (int i = 0; i < GENES; i++) {
        row[i] = random.nextInt(4);
      }
    }
    return x;
  }

  private static double[] accuracy(double[][] x, Random random) {
    double[] y = new double[x.length];
    for (int r = 0; r < x.length; r++) {
      double[] g = x[r];
      double v = 0.3 * g[0] * g[1] - 0.2 * g[5] * g[5] + 0.1 * random.nextGaussian();
      for (int i = 0; i < GENES; i++) {
        v += WEIGHTS[i] * g[i];
      }
      y[r] = v;
    }
    return y;
  }

  private static final Random DATA = new Random(42);
  private static final double[][] TRAIN_X = genes(150, DATA);
  private static final double[] TRAIN_Y = accuracy(TRAIN_X, DATA);
  private static final double[][] TEST_X = genes(100, DATA);
  private static final double[] TEST_Y = accuracy(TEST_X, DATA);

  private static double[] predictions(Surrogate surrogate) {
    double[] p = new double[TEST_X.length];
    for (int i = 0; i < TEST_X.length; i++) {
      p[i] = surrogate.predict(TEST_X[i]);
    }
    return p;
  }

  @Test
  void everySurrogateRanksTheHeldOutSet() {
    for (Supplier<Surrogate> candidate : AdaptiveSwitching.defaults(1)) {
      Surrogate surrogate = candidate.get();
      surrogate.fit(TRAIN_X, TRAIN_Y);
      double tau = KendallTau.of(predictions(surrogate), TEST_Y);
      System.out.printf("%s held-out tau = %.3f%n", surrogate.name(), tau);
      assertTrue(tau >= 0.6, surrogate.name() + " tau " + tau);
    }
  }

  @Test
  void adaptiveSwitchingPicksTheBestCrossValidatedScore() {
    AdaptiveSwitching.Choice choice = AdaptiveSwitching.select(TRAIN_X, TRAIN_Y, AdaptiveSwitching.defaults(1), 5, 3);
    assertTrue(List.of("rbf", "kriging", "cart-ensemble", "mlp").contains(choice.name()), choice.name());
    assertEquals(4, choice.scores().size());
    double best = Double.NEGATIVE_INFINITY;
    for (var entry : choice.scores().entrySet()) {
      System.out.printf("%s cv tau = %.3f ± %.3f%n", entry.getKey(), entry.getValue()[0], entry.getValue()[1]);
      best = Math.max(best, entry.getValue()[0] - entry.getValue()[1]);
    }
    assertEquals(best, choice.meanTau() - choice.stdTau(), 0);
    assertArrayEquals(new double[] {choice.meanTau(), choice.stdTau()}, choice.scores().get(choice.name()), 0);
    double tau = KendallTau.of(predictions(choice.fitted()), TEST_Y);
    System.out.printf("chosen %s held-out tau = %.3f%n", choice.name(), tau);
    assertTrue(tau >= 0.6, "tau " + tau);
  }

  @Test
  void seededSurrogatesAreDeterministic() {
    for (long seed : new long[] {5, 6}) {
      List<Supplier<Surrogate>> seeded = List.of(() -> new CartEnsemble(seed), () -> new MlpSurrogate(seed));
      for (Supplier<Surrogate> candidate : seeded) {
        Surrogate a = candidate.get();
        Surrogate b = candidate.get();
        a.fit(TRAIN_X, TRAIN_Y);
        b.fit(TRAIN_X, TRAIN_Y);
        assertArrayEquals(predictions(a), predictions(b), 0, a.name());
      }
    }
  }

  @Test
  void fitRejectsBadInputWithAMessage() {
    for (Supplier<Surrogate> candidate : AdaptiveSwitching.defaults(1)) {
      Surrogate surrogate = candidate.get();
      double[][] x = {{0, 1}, {1, 2}, {2, 0}};
      double[][] withNaN = {{0, 1}, {1, Double.NaN}, {2, 0}};
      String nan = assertThrows(IllegalArgumentException.class, () -> surrogate.fit(withNaN, new double[] {1, 2, 3}))
          .getMessage();
      assertTrue(nan.contains("x[1][1]") && nan.contains("NaN"), nan);
      String yNaN = assertThrows(IllegalArgumentException.class, () -> surrogate.fit(x, new double[] {1, Double.NaN,
          3})).getMessage();
      assertTrue(yNaN.contains("y[1]"), yNaN);
      String rows = assertThrows(IllegalArgumentException.class, () -> surrogate.fit(x, new double[] {1, 2}))
          .getMessage();
      assertTrue(rows.contains("3 rows") && rows.contains("2 values"), rows);
      double[][] ragged = {{0, 1}, {1}, {2, 0}};
      String width = assertThrows(IllegalArgumentException.class, () -> surrogate.fit(ragged, new double[] {1, 2, 3}))
          .getMessage();
      assertTrue(width.contains("row 1 has 1 values"), width);
      assertThrows(IllegalStateException.class, () -> surrogate.predict(new double[] {0, 1}));
    }
    String few = assertThrows(IllegalArgumentException.class,
        () -> new RbfSurrogate().fit(new double[][] {{0}, {1}}, new double[] {0, 1})).getMessage();
    assertTrue(few.contains("at least 3 rows"), few);
  }

  @Test
  void rbfCopesWithFewerRowsThanTailTermsAndDuplicates() {
    double[][] x = new double[12][];
    for (int i = 0; i < x.length; i++) {
      x[i] = TRAIN_X[i % 8];
    }
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = TRAIN_Y[i % 8];
    }
    Surrogate rbf = new RbfSurrogate();
    rbf.fit(x, y);
    for (int i = 0; i < 8; i++) {
      assertEquals(TRAIN_Y[i], rbf.predict(TRAIN_X[i]), 1e-3);
    }
  }

  @Test
  void modelsThatCannotFitTheFoldsSitOut() {
    double[][] x = {{0, 1}, {1, 0}, {2, 2}, {3, 1}};
    double[] y = {0.1, 0.2, 0.4, 0.3};
    // two folds leave two training rows: RBF and Kriging need three, the ensemble and the MLP do not
    AdaptiveSwitching.Choice choice = AdaptiveSwitching.select(x, y, AdaptiveSwitching.defaults(1), 2, 1);
    assertEquals(Double.NEGATIVE_INFINITY, choice.scores().get("rbf")[0]);
    assertEquals(Double.NEGATIVE_INFINITY, choice.scores().get("kriging")[0]);
    assertTrue(List.of("cart-ensemble", "mlp").contains(choice.name()), choice.name());
    assertTrue(Double.isFinite(choice.fitted().predict(x[0])));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AdaptiveSwitching.select(x, y,
        List.of(RbfSurrogate::new), 2, 1)).getMessage().contains("evaluate more subnets"));
  }
}
