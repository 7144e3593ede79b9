package io.hilnat.host.proxy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import io.hilnat.host.data.Batches;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.supernet.Supernet;
import java.util.List;
import java.util.Random;

/**
 * TE-NAS's trainability proxy: the condition number κ = λmax/λmin of the empirical neural tangent kernel
 * G·Gᵀ of a subnet at initialisation, G holding one row of parameter gradients per image. Lower κ means
 * gradient descent converges faster, so the subnet is easier to train.
 *
 * <p>Each image goes forward alone, in train mode, and its summed logits backward: TE-NAS forwards the
 * batch once and back-propagates each image on the kept graph, but with DJL 0.35 on PyTorch a second
 * backward on a kept graph gave NaN gradients now and then. So batch norms here normalise each image over
 * its own pixels rather than over the batch.
 */
public final class NtkConditionNumber {

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

  /** Mean κ over the repeats, each with fresh weights and images drawn from {@code seed}. */
  public double of(Architecture arch, long seed) {
    space.validate(arch);
    double sum = 0;
    for (int r = 0; r < repeats; r++) {
      sum += conditionNumber(gram(arch, seed * 1_000_003L + r));
    }
    return sum / repeats;
  }

  /** λmax/λmin; infinite when the kernel is singular to working precision. */
  static double conditionNumber(double[][] kernel) {
    double[] eigen = SymmetricEigenvalues.of(kernel);
    double min = eigen[0];
    double max = eigen[eigen.length - 1];
    return min <= max * 1e-15 ? Double.POSITIVE_INFINITY : max / min;
  }

  /** The NTK of one initialisation; gradient blocks that are all zero (unused weights) are kept as null. */
  private double[][] gram(Architecture arch, long seed) {
    float[][][] rows = new float[batch][][];
    try (NDManager scope = manager.newSubManager();
        Supernet net = new Supernet(space, images.set().channels(), images.set().classes(), scope, seed)) {
      List<NDArray> parameters = net.parameters();
      int[] order = images.shuffled(new Random(seed));
      for (int i = 0; i < batch; i++) {
        try (NDScope sample = new NDScope(); NDManager m = scope.newSubManager();
            GradientCollector collector = m.getEngine().newGradientCollector()) {
          net.zeroGradients();
          collector.backward(net.forward(arch, images.images(m, order, i, 1, arch.resolution(), null), true).sum());
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
