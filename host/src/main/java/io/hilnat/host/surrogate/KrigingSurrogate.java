package io.hilnat.host.surrogate;

import java.util.Arrays;

/**
 * Gaussian process with a constant mean and a squared-exponential kernel. Unlike the RBF it can
 * smooth noisy accuracies (through the nugget) and adapt its smoothness to the data; both are
 * picked by maximum marginal likelihood over small grids rather than by gradient ascent, which is
 * robust at these sample sizes and needs no optimiser.
 */
public final class KrigingSurrogate implements Surrogate {

  private static final int LENGTH_SCALES = 12;
  private static final double[] NUGGETS = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2};

  private Scaling scaling;
  private double[][] points;
  private double lengthScale;
  private double mean;
  private double[] alpha;

  @Override
  public String name() {
    return "kriging";
  }

  @Override
  public void fit(double[][] x, double[] y) {
    Scaling s = Scaling.fit(x, y, 3);
    double[][] z = s.features(x);
    double[] t = s.targets(y);
    int n = z.length;
    double[][] d2 = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        d2[i][j] = Scaling.squaredDistance(z[i], z[j]);
        d2[j][i] = d2[i][j];
      }
    }
    double[] ones = new double[n];
    Arrays.fill(ones, 1);
    // Distances between unit-cube points grow like the square root of the dimension.
    double base = Math.sqrt(Math.max(s.features(), 1));
    double bestLikelihood = Double.NEGATIVE_INFINITY;
    double bestScale = 0;
    double bestMean = 0;
    double[] bestAlpha = null;
    for (int l = 0; l < LENGTH_SCALES; l++) {
      double scale = base * Math.pow(10, -1.5 + 2.5 * l / (LENGTH_SCALES - 1));
      for (double nugget : NUGGETS) {
        double[][] chol = cholesky(correlation(d2, scale, nugget));
        if (chol == null) {
          continue;
        }
        double[] rInvOnes = solve(chol, ones);
        double mu = dot(rInvOnes, t) / dot(rInvOnes, ones);
        double[] residual = new double[n];
        for (int i = 0; i < n; i++) {
          residual[i] = t[i] - mu;
        }
        double[] a = solve(chol, residual);
        // Profile likelihood: the signal variance has a closed form, so only scale and nugget are searched.
        double variance = Math.max(dot(residual, a) / n, Double.MIN_NORMAL);
        double logDet = 0;
        for (int i = 0; i < n; i++) {
          logDet += 2 * Math.log(chol[i][i]);
        }
        double likelihood = -0.5 * (n * Math.log(variance) + logDet);
        if (likelihood > bestLikelihood) {
          bestLikelihood = likelihood;
          bestScale = scale;
          bestMean = mu;
          bestAlpha = a;
        }
      }
    }
    if (bestAlpha == null) {
      throw new IllegalArgumentException("no length scale and nugget gave a positive-definite correlation matrix");
    }
    points = z;
    lengthScale = bestScale;
    mean = bestMean;
    alpha = bestAlpha;
    scaling = s;
  }

  @Override
  public double predict(double[] x) {
    Scaling s = Scaling.fitted(scaling);
    double[] z = s.features(x);
    double value = mean;
    for (int i = 0; i < points.length; i++) {
      value += alpha[i] * Math.exp(-Scaling.squaredDistance(z, points[i]) / (2 * lengthScale * lengthScale));
    }
    return s.target(value);
  }

  private static double[][] correlation(double[][] d2, double scale, double nugget) {
    int n = d2.length;
    double[][] r = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        r[i][j] = Math.exp(-d2[i][j] / (2 * scale * scale));
      }
      r[i][i] += nugget;
    }
    return r;
  }

  /** Lower-triangular factor, or null where the matrix is not numerically positive definite. */
  private static double[][] cholesky(double[][] a) {
    int n = a.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (s <= 0) {
            return null;
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    return l;
  }

  /** Solves L Lᵀ x = b. */
  private static double[] solve(double[][] l, double[] b) {
    int n = b.length;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= l[i][k] * y[k];
      }
      y[i] = s / l[i][i];
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < n; k++) {
        s -= l[k][i] * x[k];
      }
      x[i] = s / l[i][i];
    }
    return x;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
