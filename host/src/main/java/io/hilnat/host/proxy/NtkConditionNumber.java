package io.hilnat.host.proxy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.hilnat.host.data.Batches;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.supernet.Supernet;
import java.util.List;
import java.util.Random;

/**
 * TE-NAS's trainability proxy: the condition number κ = λmax/λmin of the empirical neural tangent kernel
 * G·Gᵀ of a subnet at initialisation, G holding one row of parameter gradients per image. Lower κ means
 * gradient descent converges faster, so the subnet is easier to train.
 *
 * <p>As in TE-NAS, the batch goes forward once, in train mode (batch norms normalise over the batch), and each
 * image's summed logits go backward on the kept graph. Forwarding images one at a time instead (an earlier
 * workaround) made every batch norm normalise one image over its own pixels, which at the last stages' few pixels
 * (3×3 or 4×4 in tiny-mbv3) erases the features: κ then hardly depended on the layers.
 */
public final class NtkConditionNumber {

  /** κ of a kernel singular to the precision of float gradients (2²⁴); see {@link #conditionNumber}. */
  public static final double SINGULAR = 0x1p24;

  private final SearchSpace space;
  private final Batches images;
  private final int batch;
  private final int repeats;
  private final NDManager manager;

  /** {@code batch} images of {@code images} per kernel (TE-NAS: 32, at most 64), averaged over {@code repeats}. */
  public NtkConditionNumber(SearchSpace space, Batches images, int batch, int repeats, NDManager manager) {
    if (batch < 2 || batch > 64 || batch > images.set().count()) {
      throw new IllegalArgumentException("NTK batch must be 2 to 64 images and no more than the data set holds, not "
          + batch);
    }
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be at least 1, not " + repeats);
    }
    this.space = space;
    this.images = images;
    this.batch = batch;
    this.repeats = repeats;
    this.manager = manager;
  }

  /** Mean κ over the repeats, each with fresh weights and images drawn from {@code seed}; 1 to {@link #SINGULAR}. */
  public double of(Architecture arch, long seed) {
    space.validate(arch);
    double sum = 0;
    for (int r = 0; r < repeats; r++) {
      double[][] kernel = gram(arch, seed * 1_000_003L + r);
      if (!finite(kernel)) {
        throw new IllegalStateException("the NTK of " + ArchitectureFormat.key(space, arch) + " (seed " + seed
            + ") has non-finite entries: its gradients overflowed or were NaN, so κ is undefined");
      }
      sum += conditionNumber(kernel);
    }
    return sum / repeats;
  }

  /**
   * λmax/λmin, at most {@link #SINGULAR}. The kernel is summed in double from float gradients, which carry a
   * relative error of 2⁻²⁴: an eigenvalue below λmax·2⁻²⁴ (even zero or negative by round-off, as duplicate
   * images or all-zero gradients give) cannot be told from zero. Such a kernel is singular as far as we can tell
   * and gets the largest κ we can resolve: the worst value of a minimised objective, yet finite for the surrogates.
   */
  static double conditionNumber(double[][] kernel) {
    double[] eigen = SymmetricEigenvalues.of(kernel);
    double min = eigen[0];
    double max = eigen[eigen.length - 1];
    return max <= 0 || min <= max / SINGULAR ? SINGULAR : max / min;
  }

  /** The NTK of one initialisation; gradient blocks that are all zero (unused weights) are kept as null. */
  private double[][] gram(Architecture arch, long seed) {
    float[][][] rows = new float[batch][][];
    try (NDManager scope = manager.newSubManager();
        Supernet net = new Supernet(space, images.set().channels(), images.set().classes(), scope, seed);
        GradientCollector recording = scope.getEngine().newGradientCollector()) { // autograd on while open
      List<NDArray> parameters = net.parameters();
      int[] order = images.shuffled(new Random(seed));
      NDArray logits = net.forward(arch, images.images(scope, order, 0, batch, arch.resolution(), null), true);
      for (int i = 0; i < batch; i++) {
        try (NDScope sample = new NDScope(); NDManager m = scope
            .newSubManager()) { // the scope frees the gradient views
          net.zeroGradients();
          NDArray selectRow = m.zeros(logits.getShape());
          selectRow.set(new NDIndex(i), 1f);
          // DJL's GradientCollector frees the graph after one backward; TE-NAS needs it kept for the next image
          JniUtils.backward((PtNDArray) logits, (PtNDArray) selectRow, true, false);
          rows[i] = new float[parameters.size()][];
          for (int k = 0; k < parameters.size(); k++) {
            float[] g = parameters.get(k).getGradient().toFloatArray();
            rows[i][k] = allZero(g) ? null : g;
          }
        }
      }
    }
    double[][] kernel = new double[batch][batch];
    for (int i = 0; i < batch; i++) {
      for (int j = 0; j <= i; j++) {
        kernel[i][j] = kernel[j][i] = dot(rows[i], rows[j]);
      }
    }
    return kernel;
  }

  private static boolean finite(double[][] kernel) {
    for (double[] row : kernel) {
      for (double v : row) {
        if (!Double.isFinite(v)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean allZero(float[] values) {
    for (float v : values) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  private static double dot(float[][] a, float[][] b) {
    double sum = 0;
    for (int k = 0; k < a.length; k++) {
      if (a[k] != null && b[k] != null) {
        float[] x = a[k];
        float[] y = b[k];
        for (int e = 0; e < x.length; e++) {
          sum += (double) x[e] * y[e];
        }
      }
    }
    return sum;
  }
}
