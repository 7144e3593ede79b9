package io.hilnat.host.surrogate;

/**
 * Min–max feature scaling and target standardisation fitted on one training set, so that kernel
 * widths, learning rates and ridges mean the same whatever the gene ranges and error units are.
 * Constant features carry nothing and are dropped, which also keeps genes that a search space
 * happens to fix from diluting distances.
 */
final class Scaling {

  private final int width;
  private final int[] active;
  private final double[] min;
  private final double[] range;
  private final double yMean;
  private final double yScale;

  private Scaling(int width, int[] active, double[] min, double[] range, double yMean, double yScale) {
    this.width = width;
    this.active = active;
    this.min = min;
    this.range = range;
    this.yMean = yMean;
    this.yScale = yScale;
  }

  static void validate(double[][] x, double[] y, int minRows) {
    if (x == null || y == null) {
      throw new IllegalArgumentException("x and y must not be null");
    }
    if (x.length != y.length) {
      throw new IllegalArgumentException("x has " + x.length + " rows but y has " + y.length + " values");
    }
    if (x.length < minRows) {
      throw new IllegalArgumentException("need at least " + minRows + " rows, got " + x.length);
    }
    int width = x[0].length;
    if (width == 0) {
      throw new IllegalArgumentException("rows have no features");
    }
    for (int i = 0; i < x.length; i++) {
      if (x[i].length != width) {
        throw new IllegalArgumentException("row " + i + " has " + x[i].length + " values but row 0 has " + width);
      }
      for (int j = 0; j < width; j++) {
        if (!Double.isFinite(x[i][j])) {
          throw new IllegalArgumentException("x[" + i + "][" + j + "] is not finite: " + x[i][j]);
        }
      }
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException("y[" + i + "] is not finite: " + y[i]);
      }
    }
  }

  static Scaling fit(double[][] x, double[] y, int minRows) {
    validate(x, y, minRows);
    int width = x[0].length;
    double[] min = new double[width];
    double[] range = new double[width];
    int activeCount = 0;
    for (int j = 0; j < width; j++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (double[] row : x) {
        lo = Math.min(lo, row[j]);
        hi = Math.max(hi, row[j]);
      }
      min[j] = lo;
      range[j] = hi - lo;
      if (range[j] > 0) {
        activeCount++;
      }
    }
    int[] active = new int[activeCount];
    for (int j = 0, a = 0; j < width; j++) {
      if (range[j] > 0) {
        active[a++] = j;
      }
    }
    double mean = 0;
    for (double v : y) {
      mean += v;
    }
    mean /= y.length;
    double variance = 0;
    for (double v : y) {
      variance += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(variance / y.length);
    return new Scaling(width, active, min, range, mean, sd > 0 ? sd : 1);
  }

  /** Guards {@link Surrogate#predict} against use before {@link Surrogate#fit}. */
  static Scaling fitted(Scaling scaling) {
    if (scaling == null) {
      throw new IllegalStateException("predict called before fit");
    }
    return scaling;
  }

  int features() {
    return active.length;
  }

  double[] features(double[] row) {
    if (row.length != width) {
      throw new IllegalArgumentException("row has " + row.length + " values, the model was fitted on " + width);
    }
    double[] z = new double[active.length];
    for (int a = 0; a < active.length; a++) {
      int j = active[a];
      z[a] = (row[j] - min[j]) / range[j];
    }
    return z;
  }

  double[][] features(double[][] rows) {
    double[][] z = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      z[i] = features(rows[i]);
    }
    return z;
  }

  double[] targets(double[] y) {
    double[] t = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      t[i] = (y[i] - yMean) / yScale;
    }
    return t;
  }

  double target(double standardised) {
    return yMean + standardised * yScale;
  }

  static double squaredDistance(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      double d = a[j] - b[j];
      s += d * d;
    }
    return s;
  }
}
