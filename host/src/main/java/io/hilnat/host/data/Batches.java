package io.hilnat.host.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Batches of an {@link ImageSet} as float NCHW arrays at a requested resolution: bilinear resizing,
 * per-set normalisation, and for training random crops from a padded image and optional flips.
 * Arrays are created in the manager the caller passes (one per step).
 */
public final class Batches {

  private final ImageSet set;
  private final float mean;
  private final float std;

  /** Normalisation from {@code reference} (the training set): one mean and std over all values. */
  public Batches(ImageSet set, ImageSet reference) {
    this.set = set;
    double sum = 0;
    double squares = 0;
    for (byte b : reference.pixels()) {
      double v = (b & 0xff) / 255.0;
      sum += v;
      squares += v * v;
    }
    int n = reference.pixels().length;
    this.mean = (float) (sum / n);
    this.std = (float) Math.sqrt(squares / n - (sum / n) * (sum / n));
  }

  public ImageSet set() {
    return set;
  }

  /** The normalisation every image gets, {@code (v - mean) / std}, one value for all channels. */
  public float mean() {
    return mean;
  }

  public float std() {
    return std;
  }

  /** A random permutation of the images (one epoch's order). */
  public int[] shuffled(Random random) {
    int[] order = new int[set.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** Images {@code order[from, from + count)} at {@code resolution}; augmented when {@code random} is given. */
  public NDArray images(NDManager manager, int[] order, int from, int count, int resolution, Random random) {
    int c = set.channels();
    int src = set.size();
    float[] out = new float[count * c * resolution * resolution];
    float[] plane = new float[src * src];
    for (int i = 0; i < count; i++) {
      int image = order[from + i];
      int pad = random == null ? 0 : Math.max(1, src / 8);
      int dx = random == null ? 0 : random.nextInt(2 * pad + 1) - pad;
      int dy = random == null ? 0 : random.nextInt(2 * pad + 1) - pad;
      for (int ch = 0; ch < c; ch++) {
        int base = image * set.imageBytes() + ch * src * src;
        for (int y = 0; y < src; y++) {
          for (int x = 0; x < src; x++) {
            int sy = y + dy;
            int sx = x + dx;
            float v = sy < 0 || sy >= src || sx < 0 || sx >= src ? 0f : (set.pixels()[base + sy * src + sx] & 0xff) / 255f;
            plane[y * src + x] = (v - mean) / std;
          }
        }
        resize(plane, src, out, (i * c + ch) * resolution * resolution, resolution);
      }
    }
    return manager.create(out, new Shape(count, c, resolution, resolution));
  }

  public NDArray labels(NDManager manager, int[] order, int from, int count) {
    float[] labels = new float[count];
    for (int i = 0; i < count; i++) {
      labels[i] = set.labels()[order[from + i]];
    }
    return manager.create(labels);
  }

  /** Bilinear resize of a square plane (align-corners false, as PyTorch's interpolate). */
  static void resize(float[] src, int from, float[] dst, int offset, int to) {
    if (from == to) {
      System.arraycopy(src, 0, dst, offset, from * from);
      return;
    }
    double scale = (double) from / to;
    for (int y = 0; y < to; y++) {
      double fy = Math.max(0, (y + 0.5) * scale - 0.5);
      int y0 = Math.min((int) fy, from - 1);
      int y1 = Math.min(y0 + 1, from - 1);
      double wy = fy - y0;
      for (int x = 0; x < to; x++) {
        double fx = Math.max(0, (x + 0.5) * scale - 0.5);
        int x0 = Math.min((int) fx, from - 1);
        int x1 = Math.min(x0 + 1, from - 1);
        double wx = fx - x0;
        double top = src[y0 * from + x0] * (1 - wx) + src[y0 * from + x1] * wx;
        double bottom = src[y1 * from + x0] * (1 - wx) + src[y1 * from + x1] * wx;
        dst[offset + y * to + x] = (float) (top * (1 - wy) + bottom * wy);
      }
    }
  }
}
