package io.hilnat.host.data;

import java.util.Arrays;

/**
 * Per-channel mean and standard deviation of values in [0, 1]; a batch value becomes {@code (v - mean) / std}.
 * Compute it from the training set ({@link #of}) or use a dataset's constant ({@link FashionMnist#NORMALIZATION},
 * {@link CifarBinary#CIFAR10_NORMALIZATION}).
 */
public record Normalization(float[] mean, float[] std) {

  public Normalization {
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException("mean and std need one value per channel");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std must be > 0: " + Arrays.toString(std));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** No change: mean 0, std 1 per channel. */
  public static Normalization identity(int channels) {
    float[] m = new float[channels];
    float[] s = new float[channels];
    Arrays.fill(s, 1f);
    return new Normalization(m, s);
  }

  /** Population mean and std per channel over every pixel of {@code set} (a constant channel gets std 1). */
  public static Normalization of(ByteImages set) {
    int c = set.channels();
    int plane = set.height() * set.width();
    long[] sum = new long[c];
    long[] squares = new long[c];
    byte[] p = set.pixels();
    for (int i = 0; i < set.size(); i++) {
      for (int ch = 0; ch < c; ch++) {
        int base = (i * c + ch) * plane;
        long s = 0;
        long q = 0;
        for (int k = 0; k < plane; k++) {
          int v = p[base + k] & 0xff;
          s += v;
          q += v * v;
        }
        sum[ch] += s;
        squares[ch] += q;
      }
    }
    float[] mean = new float[c];
    float[] std = new float[c];
    double n = (double) set.size() * plane;
    for (int ch = 0; ch < c; ch++) {
      double m = sum[ch] / n / 255.0;
      double var = squares[ch] / n / (255.0 * 255.0) - m * m;
      mean[ch] = (float) m;
      std[ch] = var > 1e-12 ? (float) Math.sqrt(var) : 1f;
    }
    return new Normalization(mean, std);
  }

  public int channels() {
    return mean.length;
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  @Override
  public String toString() {
    return "mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }
}
