package io.hilnat.host.data;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Separable resizing of float planes with per-(source, target) tables computed once: bilinear when enlarging
 * (align-corners false, as PyTorch's {@code interpolate}), area averaging when shrinking (no aliasing).
 */
public final class Resampler {

  /** Weights along one axis: output {@code o} is the sum over {@code t < taps} of w[o·taps+t]·in[index[o·taps+t]]. */
  record AxisTable(int taps, int[] index, float[] weight) {}

  private static final ConcurrentHashMap<Long, AxisTable> TABLES = new ConcurrentHashMap<>();

  private Resampler() {}

  static AxisTable table(int src, int dst) {
    return TABLES.computeIfAbsent(((long) src << 32) | dst, k -> build(src, dst));
  }

  private static AxisTable build(int src, int dst) {
    if (dst >= src) {
      int[] index = new int[dst * 2];
      float[] weight = new float[dst * 2];
      double scale = (double) src / dst;
      for (int o = 0; o < dst; o++) {
        double f = Math.max(0, (o + 0.5) * scale - 0.5);
        int i0 = Math.min((int) f, src - 1);
        int i1 = Math.min(i0 + 1, src - 1);
        double w1 = Math.min(1, f - i0);
        index[2 * o] = i0;
        index[2 * o + 1] = i1;
        weight[2 * o] = (float) (1 - w1);
        weight[2 * o + 1] = (float) w1;
      }
      return new AxisTable(2, index, weight);
    }
    double scale = (double) src / dst;
    int taps = (int) Math.ceil(scale) + 1;
    int[] index = new int[dst * taps];
    float[] weight = new float[dst * taps];
    for (int o = 0; o < dst; o++) {
      double lo = o * scale;
      double hi = (o + 1) * scale;
      int first = (int) Math.floor(lo);
      for (int t = 0; t < taps; t++) {
        int i = first + t;
        double overlap = i < src ? Math.max(0, Math.min(hi, i + 1) - Math.max(lo, i)) : 0;
        index[o * taps + t] = Math.min(i, src - 1);
        weight[o * taps + t] = (float) (overlap / scale);
      }
    }
    return new AxisTable(taps, index, weight);
  }

  /**
   * Resizes {@code src} (sh × sw, row-major, from {@code srcOffset}) into {@code dst} (dh × dw from
   * {@code dstOffset}); {@code scratch} needs sh·dw values.
   */
  public static void resize(float[] src, int srcOffset, int sh, int sw, float[] dst, int dstOffset, int dh, int dw,
      float[] scratch) {
    if (sh == dh && sw == dw) {
      System.arraycopy(src, srcOffset, dst, dstOffset, sh * sw);
      return;
    }
    AxisTable tx = table(sw, dw);
    AxisTable ty = table(sh, dh);
    int kx = tx.taps();
    for (int y = 0; y < sh; y++) {
      int row = srcOffset + y * sw;
      for (int x = 0; x < dw; x++) {
        float s = 0;
        for (int t = 0; t < kx; t++) {
          s += tx.weight()[x * kx + t] * src[row + tx.index()[x * kx + t]];
        }
        scratch[y * dw + x] = s;
      }
    }
    int ky = ty.taps();
    for (int y = 0; y < dh; y++) {
      int out = dstOffset + y * dw;
      for (int x = 0; x < dw; x++) {
        dst[out + x] = 0;
      }
      for (int t = 0; t < ky; t++) {
        float w = ty.weight()[y * ky + t];
        if (w == 0) {
          continue;
        }
        int in = ty.index()[y * ky + t] * dw;
        for (int x = 0; x < dw; x++) {
          dst[out + x] += w * scratch[in + x];
        }
      }
    }
  }
}
