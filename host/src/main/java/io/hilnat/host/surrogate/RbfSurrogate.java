package io.hilnat.host.surrogate;

import io.hilnat.host.stats.LinearSystems;

/**
 * Cubic radial basis interpolant with a linear tail, the surrogate pySOT and NAT start from: it has
 * no hyper-parameters to tune, so it stays usable with the few dozen samples of an early NAT
 * iteration.
 */
public final class RbfSurrogate implements Surrogate {

  /**
   * Relative ridge: enough to keep duplicated architectures (identical rows) and a tail with more
   * terms than samples solvable, small enough not to smooth the interpolant.
   */
  private static final double RIDGE = 1e-8;

  private Scaling scaling;
  private double[][] centres;
  private double[] weights;
  private double[] tail;

  @Override
  public String name() {
    return "rbf";
  }

  @Override
  public void fit(double[][] x, double[] y) {
    Scaling s = Scaling.fit(x, y, 3);
    double[][] z = s.features(x);
    double[] t = s.targets(y);
    int n = z.length;
    int k = s.features();
    int m = n + k + 1;
    double[][] a = new double[m][m];
    double magnitude = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] = phi(Math.sqrt(Scaling.squaredDistance(z[i], z[j])));
        magnitude += a[i][j];
      }
      a[i][n] = 1;
      a[n][i] = 1;
      for (int c = 0; c < k; c++) {
        a[i][n + 1 + c] = z[i][c];
        a[n + 1 + c][i] = z[i][c];
      }
    }
    // Φ has a zero diagonal, so the ridge is scaled to its mean row sum instead of its trace.
    double ridge = RIDGE * Math.max(magnitude / n, 1);
    for (int i = 0; i < m; i++) {
      a[i][i] += i < n ? ridge : -ridge;
    }
    double[] b = new double[m];
    System.arraycopy(t, 0, b, 0, n);
    double[] solution = LinearSystems.solve(a, b);
    double[] w = new double[n];
    double[] p = new double[k + 1];
    System.arraycopy(solution, 0, w, 0, n);
    System.arraycopy(solution, n, p, 0, k + 1);
    centres = z;
    weights = w;
    tail = p;
    scaling = s;
  }

  @Override
  public double predict(double[] x) {
    Scaling s = Scaling.fitted(scaling);
    double[] z = s.features(x);
    double value = tail[0];
    for (int c = 0; c < z.length; c++) {
      value += tail[c + 1] * z[c];
    }
    for (int i = 0; i < centres.length; i++) {
      value += weights[i] * phi(Math.sqrt(Scaling.squaredDistance(z, centres[i])));
    }
    return s.target(value);
  }

  private static double phi(double r) {
    return r * r * r;
  }
}
