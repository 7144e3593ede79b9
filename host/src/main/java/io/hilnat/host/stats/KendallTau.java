package io.hilnat.host.stats;

/** Kendall's rank correlation (tau-b, which accounts for ties), O(n²): our samples are small. */
public final class KendallTau {

  private KendallTau() {}

  public static double of(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("lengths differ: " + x.length + " and " + y.length);
    }
    long concordant = 0;
    long discordant = 0;
    long tiesX = 0;
    long tiesY = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = i + 1; j < x.length; j++) {
        int sx = Double.compare(x[i], x[j]);
        int sy = Double.compare(y[i], y[j]);
        if (sx == 0 && sy == 0) {
          continue;
        } else if (sx == 0) {
          tiesX++;
        } else if (sy == 0) {
          tiesY++;
        } else if (sx == sy) {
          concordant++;
        } else {
          discordant++;
        }
      }
    }
    double denominator = Math.sqrt((double) (concordant + discordant + tiesX) * (concordant + discordant + tiesY));
    return denominator == 0 ? 0 : (concordant - discordant) / denominator;
  }
}
