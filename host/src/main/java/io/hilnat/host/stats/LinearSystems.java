package io.hilnat.host.stats;

/** Small dense linear systems (surrogates, latency corrections): tens of unknowns, so plain elimination. */
public final class LinearSystems {

  private LinearSystems() {}

  /**
   * Solves {@code a·x = b} by Gaussian elimination with partial pivoting (works for indefinite systems such
   * as RBF's saddle point); overwrites {@code a} and {@code b}.
   *
   * @throws IllegalArgumentException when the system is singular
   */
  public static double[] solve(double[][] a, double[] b) {
    int m = b.length;
    for (int col = 0; col < m; col++) {
      int pivot = col;
      for (int r = col + 1; r < m; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      if (a[pivot][col] == 0) {
        throw new IllegalArgumentException("the linear system is singular");
      }
      double[] rowSwap = a[col];
      a[col] = a[pivot];
      a[pivot] = rowSwap;
      double bSwap = b[col];
      b[col] = b[pivot];
      b[pivot] = bSwap;
      for (int r = col + 1; r < m; r++) {
        double f = a[r][col] / a[col][col];
        if (f == 0) {
          continue;
        }
        for (int c = col; c < m; c++) {
          a[r][c] -= f * a[col][c];
        }
        b[r] -= f * b[col];
      }
    }
    double[] x = new double[m];
    for (int r = m - 1; r >= 0; r--) {
      double s = b[r];
      for (int c = r + 1; c < m; c++) {
        s -= a[r][c] * x[c];
      }
      x[r] = s / a[r][r];
    }
    return x;
  }
}
