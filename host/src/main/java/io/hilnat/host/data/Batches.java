package io.hilnat.host.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Random;

/**
 * Batches of an {@link ImageSet} as float NCHW arrays at a requested resolution, for every part of a run: training,
 * adaptation, the contrastive views, evaluation, k-NN, calibration and the images fed to an agent. They all go
 * through one pipeline ({@link BatchLoader}'s): area averaging when shrinking, bilinear when enlarging, as the
 * exported model's sidecar tells an app; one normalisation, the training set's mean and std over all values, which
 * exported models carry inside. Arrays are created in the manager the caller passes (one per step).
 */
public final class Batches {

  private final ImageSet set;
  private final float mean;
  private final float std;
  private final BatchLoader loader;

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
    float[] means = new float[set.channels()];
    float[] stds = new float[set.channels()];
    java.util.Arrays.fill(means, mean);
    java.util.Arrays.fill(stds, std);
    this.loader = new BatchLoader(ByteImages.of(set, ByteImages.numberedClasses(set.classes())),
        new Normalization(means, stds), Augmentation.none(), DataType.FLOAT32);
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

  /**
   * Images {@code order[from, from + count)} at {@code resolution}; when {@code random} is given, each shifted by up
   * to an eighth of its size (at least a pixel) with black filling in.
   */
  public NDArray images(NDManager manager, int[] order, int from, int count, int resolution, Random random) {
    int[] indices = Arrays.copyOfRange(order, from, from + count);
    return random == null ? loader.images(manager, indices, resolution, Augmentation.none(), 0)
        : loader.images(manager, indices, resolution, Augmentation.cropAndFlip(Math.max(1, set.size() / 8), false),
            random.nextLong());
  }

  /** Two views of the images at {@code indices}, each drawn independently with {@code augmentation}. */
  public BatchLoader.Pair pair(NDManager manager, int[] indices, int resolution, Augmentation augmentation,
      long seed) {
    return loader.pair(manager, indices, resolution, augmentation, seed);
  }

  public NDArray labels(NDManager manager, int[] order, int from, int count) {
    float[] labels = new float[count];
    for (int i = 0; i < count; i++) {
      labels[i] = set.labels()[order[from + i]];
    }
    return manager.create(labels);
  }
}
