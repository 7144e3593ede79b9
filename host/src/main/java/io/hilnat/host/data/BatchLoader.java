package io.hilnat.host.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Batches of a {@link ByteImages} set for DJL: float32 NCHW images at a requested square resolution, normalised per
 * channel, with labels (int64 by default). Every array is created in the {@link NDManager} passed to the call —
 * give a per-step sub-manager and close it after the step so memory stays flat. Resizing is done in Java on the
 * uint8 data with per-(source, target) tables ({@link Resampler}); images of a batch are filled in parallel.
 *
 * <p>Seeds: an epoch's order comes from {@code (seed, epoch)}; batch {@code b}'s augmentation from
 * {@code (seed, epoch, b)} only, so it does not depend on the resolution asked for or on earlier calls.
 */
public final class BatchLoader {

  /** Images {@code [N, C, R, R]} float32 and labels {@code [N]}, for the set's {@code indices}. */
  public record Batch(NDArray images, NDArray labels, int[] indices) {}

  /** Two independently augmented views of the same images, and their labels. */
  public record Pair(NDArray first, NDArray second, NDArray labels, int[] indices) {}

  private final ByteImages set;
  private final Normalization normalization;
  private final Augmentation augmentation;
  private final DataType labelType;

  /**
   * @param normalization per-channel statistics (from the training set: {@link Normalization#of}, or a dataset's
   *     constant)
   * @param augmentation used by {@link Epoch#next} in shuffled epochs; {@link Augmentation#none()} for none
   */
  public BatchLoader(ByteImages set, Normalization normalization, Augmentation augmentation) {
    this(set, normalization, augmentation, DataType.INT64);
  }

  public BatchLoader(ByteImages set, Normalization normalization, Augmentation augmentation, DataType labelType) {
    if (normalization.channels() != set.channels()) {
      throw new IllegalArgumentException("normalization has " + normalization.channels() + " channels, the set "
          + set.channels());
    }
    if (labelType != DataType.INT64 && labelType != DataType.FLOAT32 && labelType != DataType.INT32) {
      throw new IllegalArgumentException("labels are int64, int32 or float32, not " + labelType);
    }
    this.set = set;
    this.normalization = normalization;
    this.augmentation = augmentation;
    this.labelType = labelType;
  }

  public ByteImages set() {
    return set;
  }

  public Normalization normalization() {
    return normalization;
  }

  public Augmentation augmentation() {
    return augmentation;
  }

  /**
   * A shuffled, augmented pass over the set: batches of exactly {@code batchSize} (a last partial batch is
   * dropped).
   */
  public Epoch epoch(int batchSize, long seed, int epoch) {
    long epochSeed = mix(seed, epoch);
    int[] order = DataSplit.permutation(set.size(), new SplittableRandom(epochSeed));
    return new Epoch(order, batchSize, true, epochSeed, augmentation);
  }

  /** The whole set in order, no augmentation, last batch possibly smaller: for evaluation. */
  public Epoch inOrder(int batchSize) {
    int[] order = new int[set.size()];
    Arrays.setAll(order, i -> i);
    return new Epoch(order, batchSize, false, 0, Augmentation.none());
  }

  /** {@code n} distinct random indices (e.g. NAT's ~960 images for batch-norm recalibration). */
  public int[] sample(int n, long seed) {
    if (n > set.size()) {
      throw new IllegalArgumentException("asked for " + n + " images of " + set.size());
    }
    return Arrays.copyOf(DataSplit.permutation(set.size(), new SplittableRandom(seed)), n);
  }

  /** The images at {@code indices} with no augmentation. */
  public Batch batch(NDManager manager, int[] indices, int resolution) {
    return batch(manager, indices, resolution, Augmentation.none(), 0);
  }

  /** The images at {@code indices}, augmented with {@code augmentation} seeded by {@code seed}. */
  public Batch batch(NDManager manager, int[] indices, int resolution, Augmentation augmentation, long seed) {
    return new Batch(images(manager, indices, resolution, augmentation, seed), labels(manager, indices), indices);
  }

  /** Two views of the images at {@code indices}, each drawn independently with {@code augmentation}. */
  public Pair pair(NDManager manager, int[] indices, int resolution, Augmentation augmentation, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    NDArray first = images(manager, indices, resolution, augmentation, random.split());
    NDArray second = images(manager, indices, resolution, augmentation, random.split());
    return new Pair(first, second, labels(manager, indices), indices);
  }

  /** One pass over a fixed order of images. Not thread-safe; one per training loop. */
  public final class Epoch {
    private final int[] order;
    private final int batchSize;
    private final int batches;
    private final long seed;
    private final Augmentation augmentation;
    private int next;

    private Epoch(int[] order, int batchSize, boolean dropLast, long seed, Augmentation augmentation) {
      if (batchSize <= 0) {
        throw new IllegalArgumentException("batch size must be positive: " + batchSize);
      }
      this.order = order;
      this.batchSize = batchSize;
      this.batches = dropLast ? order.length / batchSize : (order.length + batchSize - 1) / batchSize;
      this.seed = seed;
      this.augmentation = augmentation;
    }

    /** Number of batches in this pass. */
    public int batches() {
      return batches;
    }

    public boolean hasNext() {
      return next < batches;
    }

    /** The next batch's indices, without making arrays (and without moving on). */
    public int[] peekIndices() {
      if (!hasNext()) {
        throw new NoSuchElementException("epoch finished after " + batches + " batches");
      }
      int from = next * batchSize;
      return Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize));
    }

    /** The next batch at {@code resolution}, with arrays in {@code manager} (a per-step sub-manager). */
    public Batch next(NDManager manager, int resolution) {
      int[] indices = peekIndices();
      long batchSeed = mix(seed, next++);
      return batch(manager, indices, resolution, augmentation, batchSeed);
    }

    /**
     * The next batch as two independently augmented views (the loader's augmentation, or crop+flip+jitter when the
     * loader has none).
     */
    public Pair nextPair(NDManager manager, int resolution) {
      int[] indices = peekIndices();
      long batchSeed = mix(seed, next++);
      Augmentation a = augmentation.isNone() ? Augmentation.contrastive(true)
          : augmentation;
      return pair(manager, indices, resolution, a, batchSeed);
    }
  }

  private NDArray labels(NDManager manager, int[] indices) {
    int n = indices.length;
    if (labelType == DataType.FLOAT32) {
      float[] l = new float[n];
      for (int i = 0; i < n; i++) {
        l[i] = set.label(indices[i]);
      }
      return manager.create(l);
    }
    if (labelType == DataType.INT32) {
      int[] l = new int[n];
      for (int i = 0; i < n; i++) {
        l[i] = set.label(indices[i]);
      }
      return manager.create(l);
    }
    long[] l = new long[n];
    for (int i = 0; i < n; i++) {
      l[i] = set.label(indices[i]);
    }
    return manager.create(l);
  }

  /** The images at {@code indices}, augmented with {@code augmentation} seeded by {@code seed}, without labels. */
  NDArray images(NDManager manager, int[] indices, int resolution, Augmentation augmentation, long seed) {
    return images(manager, indices, resolution, augmentation, new SplittableRandom(seed));
  }

  private NDArray images(NDManager manager, int[] indices, int resolution, Augmentation a, SplittableRandom random) {
    if (resolution <= 0) {
      throw new IllegalArgumentException("resolution must be positive: " + resolution);
    }
    int n = indices.length;
    int c = set.channels();
    int h = set.height();
    int w = set.width();
    // draw every random number first, in image order, so the parallel fill stays deterministic
    int[][] crop = new int[n][]; // x, y, width, height of the region resized to the resolution
    int[] dx = new int[n];
    int[] dy = new int[n];
    boolean[] flip = new boolean[n];
    float[] brightness = new float[n];
    float[] contrast = new float[n];
    float[] saturation = new float[n];
    boolean[] grey = new boolean[n];
    float[] hue = new float[n];
    boolean colour = c == 3;
    for (int i = 0; i < n; i++) {
      crop[i] = a.cropScale() > 0 ? randomResizedCrop(h, w, a.cropScale(), random) : new int[] {0, 0, w, h};
      dx[i] = a.pad() == 0 ? 0 : random.nextInt(2 * a.pad() + 1) - a.pad();
      dy[i] = a.pad() == 0 ? 0 : random.nextInt(2 * a.pad() + 1) - a.pad();
      flip[i] = a.flip() && random.nextBoolean();
      brightness[i] = a.brightness() == 0 ? 1f : 1f + (float) (random.nextDouble() * 2 - 1) * a.brightness();
      contrast[i] = a.contrast() == 0 ? 1f : 1f + (float) (random.nextDouble() * 2 - 1) * a.contrast();
      saturation[i] = a.saturation() == 0 || !colour ? 1f : 1f + (float) (random.nextDouble() * 2 - 1) * a.saturation();
      grey[i] = colour && a.grey() > 0 && random.nextDouble() < a.grey();
      hue[i] = a.hue() == 0 || !colour ? 0f : (float) (random.nextDouble() * 2 - 1) * a.hue();
    }
    int rr = resolution * resolution;
    float[] out = new float[n * c * rr];
    float[] mean = normalization.mean();
    float[] std = normalization.std();
    byte[] pixels = set.pixels();
    int values = set.imageValues();
    IntStream.range(0, n).parallel().forEach(i -> {
      int cx = crop[i][0];
      int cy = crop[i][1];
      int cw = crop[i][2];
      int ch2 = crop[i][3];
      float[] plane = new float[ch2 * cw];
      float[] scratch = new float[ch2 * resolution];
      int base = indices[i] * values;
      for (int ch = 0; ch < c; ch++) {
        int channelBase = base + ch * h * w;
        for (int y = 0; y < ch2; y++) {
          int sy = cy + y + dy[i];
          for (int x = 0; x < cw; x++) {
            int sx = cx + (flip[i] ? cw - 1 - x : x) + dx[i];
            plane[y * cw + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0f
                : (pixels[channelBase + sy * w + sx] & 0xff) * (1f / 255f);
          }
        }
        Resampler.resize(plane, 0, ch2, cw, out, (i * c + ch) * rr, resolution, resolution, scratch);
      }
      int offset = i * c * rr;
      if (brightness[i] != 1f || contrast[i] != 1f) {
        double sum = 0;
        for (int k = 0; k < c * rr; k++) {
          out[offset + k] = Math.min(1f, out[offset + k] * brightness[i]);
          sum += out[offset + k];
        }
        float gray = (float) (sum / (c * rr));
        for (int k = 0; k < c * rr; k++) {
          out[offset + k] = Math.max(0f, Math.min(1f, (out[offset + k] - gray) * contrast[i] + gray));
        }
      }
      if (hue[i] != 0f && !grey[i]) {
        shiftHue(out, offset, rr, hue[i]);
      }
      if (saturation[i] != 1f || grey[i]) {
        // towards (or onto) each pixel's luma, as torchvision's saturation and Grayscale
        float keep = grey[i] ? 0f : saturation[i];
        for (int k = 0; k < rr; k++) {
          int r = offset + k;
          int g = r + rr;
          int b = g + rr;
          float luma = luma(out[r], out[g], out[b]);
          out[r] = Math.max(0f, Math.min(1f, luma + (out[r] - luma) * keep));
          out[g] = Math.max(0f, Math.min(1f, luma + (out[g] - luma) * keep));
          out[b] = Math.max(0f, Math.min(1f, luma + (out[b] - luma) * keep));
        }
      }
      for (int ch = 0; ch < c; ch++) {
        float m = mean[ch];
        float s = 1f / std[ch];
        int from = offset + ch * rr;
        for (int k = 0; k < rr; k++) {
          out[from + k] = (out[from + k] - m) * s;
        }
      }
    });
    return manager.create(out, new Shape(n, c, resolution, resolution));
  }

  /**
   * Turns every pixel's chroma by {@code turns} of a full turn about the grey axis, in YIQ: luma stays, hue moves, as
   * torchvision's hue jitter does in HSV (the two differ slightly for saturated colours, which clamp).
   */
  static void shiftHue(float[] rgb, int offset, int planeSize, float turns) {
    float cos = (float) Math.cos(2 * Math.PI * turns);
    float sin = (float) Math.sin(2 * Math.PI * turns);
    for (int k = 0; k < planeSize; k++) {
      int r = offset + k;
      int g = r + planeSize;
      int b = g + planeSize;
      float y = luma(rgb[r], rgb[g], rgb[b]);
      float i = 0.596f * rgb[r] - 0.274f * rgb[g] - 0.322f * rgb[b];
      float q = 0.211f * rgb[r] - 0.523f * rgb[g] + 0.312f * rgb[b];
      float i2 = i * cos - q * sin;
      float q2 = i * sin + q * cos;
      rgb[r] = Math.max(0f, Math.min(1f, y + 0.956f * i2 + 0.621f * q2));
      rgb[g] = Math.max(0f, Math.min(1f, y - 0.272f * i2 - 0.647f * q2));
      rgb[b] = Math.max(0f, Math.min(1f, y - 1.106f * i2 + 1.703f * q2));
    }
  }

  /** ITU-R 601 luma, torchvision's grey. */
  private static float luma(float r, float g, float b) {
    return 0.299f * r + 0.587f * g + 0.114f * b;
  }

  /**
   * torchvision's RandomResizedCrop region: {@code scale} to all of the area at an aspect ratio in [3/4, 4/3], log-
   * uniform, ten tries; else the whole image. Returns x, y, width, height.
   */
  static int[] randomResizedCrop(int h, int w, float scale, SplittableRandom random) {
    double area = (double) h * w;
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * (scale + random.nextDouble() * (1 - scale));
      double ratio = Math.exp(Math.log(3.0 / 4) + random.nextDouble() * (Math.log(4.0 / 3) - Math.log(3.0 / 4)));
      int cw = (int) Math.round(Math.sqrt(target * ratio));
      int ch = (int) Math.round(Math.sqrt(target / ratio));
      if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
        return new int[] {random.nextInt(w - cw + 1), random.nextInt(h - ch + 1), cw, ch};
      }
    }
    return new int[] {0, 0, w, h};
  }

  /** A 64-bit mix (SplitMix64's finaliser) of two numbers, for independent derived seeds. */
  static long mix(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
