package io.hilnat.host.proxy;

import java.util.Arrays;

/**
 * Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations: the NTK is at most 64 × 64, where
 * Jacobi is simple, accurate for the small eigenvalues the condition number depends on, and needs no library.
 */
final class SymmetricEigenvalues {

  private static final int MAX_SWEEPS = 100;

  private SymmetricEigenvalues() {}

  /** The eigenvalues of {@code symmetric} (not modified), ascending. */
  static double[] of(double[][] symmetric) {
    int n = symmetric.length;
    double[][] a = new double[n][];
    double scale = 0;
    for (int i = 0; i < n; i++) {
      if (symmetric[i].length != n) {
        throw new IllegalArgumentException("not square: row " + i + " has " + symmetric[i].length + " of " + n);
      }
      a[i] = symmetric[i].clone();
      for (double v : a[i]) {
        scale += v * v;
      }
    }
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += a[p][q] * a[p][q];
        }
      }
      if (off <= 1e-30 * scale) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (a[p][q] != 0) {
            rotate(a, p, q);
          }
        }
      }
    }
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = a[i][i];
    }
    Arrays.sort(values);
    return values;
  }

  /** Zeroes {@code a[p][q]} with the rotation A ← JᵀAJ (Golub and Van Loan, the stable choice of tan). */
  private static void rotate(double[][] a, int p, int q) {
    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
    if (theta == 0) {
      t = 1;
    }
    double c = 1 / Math.sqrt(t * t + 1);
    double s = t * c;
    for (int k = 0; k < a.length; k++) {
      double akp = a[k][p];
      double akq = a[k][q];
      a[k][p] = c * akp - s * akq;
      a[k][q] = s * akp + c * akq;
    }
    for (int k = 0; k < a.length; k++) {
      double apk = a[p][k];
      double aqk = a[q][k];
      a[p][k] = c * apk - s * aqk;
      a[q][k] = s * apk + c * aqk;
    }
  }
}
