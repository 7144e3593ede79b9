package io.hilnat.host.supernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.hilnat.host.data.Batches;
import io.hilnat.host.space.Architecture;

/**
 * Accuracy from few labels with no classifier: a subnet's pooled features (batch norms recalibrated, cosine
 * similarity) label each query by a vote of its {@code k} nearest labelled images. With the labelled set as
 * its own queries it is leave-one-out, so a search can score subnets from 1 % of the labels alone.
 */
public final class KnnProbe {

  private final SubnetEvaluator recalibration;
  private final int k;
  private final int batchSize;
  private final NDManager manager;

  public KnnProbe(SubnetEvaluator recalibration, int k, int batchSize, NDManager manager) {
    this.recalibration = recalibration;
    this.k = k;
    this.batchSize = batchSize;
    this.manager = manager;
  }

  /** Top-1 of k-NN over {@code bank} on {@code queries}; leave-one-out when they are the same object. */
  public double accuracy(Supernet net, Architecture arch, Batches bank, Batches queries) {
    recalibration.recalibrate(net, arch);
    return accuracyAsIs(net, arch, bank, queries);
  }

  /**
   * The neighbours that vote: {@code k}, but no more than the rarest class has images in the bank (one fewer when
   * the query is left out of it), since more would let any other class outvote a query's own, and with 1 % labels a
   * class may have only two images.
   */
  private static int neighbours(int[] bankLabels, int classes, int k, boolean leaveOneOut) {
    int[] perClass = new int[classes];
    for (int label : bankLabels) {
      perClass[label]++;
    }
    int rarest = java.util.Arrays.stream(perClass).filter(n -> n > 0).min().orElse(1);
    return Math.max(1, Math.min(k, rarest - (leaveOneOut ? 1 : 0)));
  }

  /** {@link #accuracy} with the batch-norm statistics the supernet holds now. */
  public double accuracyAsIs(Supernet net, Architecture arch, Batches bank, Batches queries) {
    float[][] bankFeatures = features(net, arch, bank);
    float[][] queryFeatures = bank == queries ? bankFeatures : features(net, arch, queries);
    return topOne(bankFeatures, bank.set().labels(), queryFeatures, queries.set().labels(), bank.set().classes(), k,
        bank == queries);
  }

  /**
   * Top-1 of {@code k}-NN by cosine similarity of L2-normalised features; with {@code leaveOneOut} the queries are
   * the bank and each query's own entry is left out.
   */
  static double topOne(float[][] bankFeatures, int[] bankLabels, float[][] queryFeatures, int[] queryLabels,
      int classes, int k, boolean leaveOneOut) {
    int voters = neighbours(bankLabels, classes, k, leaveOneOut);
    int correct = 0;
    double[] best = new double[voters];
    int[] bestLabel = new int[voters];
    for (int q = 0; q < queryFeatures.length; q++) {
      java.util.Arrays.fill(best, Double.NEGATIVE_INFINITY);
      for (int b = 0; b < bankFeatures.length; b++) {
        if (leaveOneOut && b == q) {
          continue;
        }
        double sim = dot(queryFeatures[q], bankFeatures[b]);
        if (sim > best[voters - 1]) {
          int i = voters - 1;
          while (i > 0 && best[i - 1] < sim) {
            best[i] = best[i - 1];
            bestLabel[i] = bestLabel[i - 1];
            i--;
          }
          best[i] = sim;
          bestLabel[i] = bankLabels[b];
        }
      }
      double[] votes = new double[classes];
      for (int i = 0; i < voters && best[i] > Double.NEGATIVE_INFINITY; i++) {
        votes[bestLabel[i]] += 1 + 1e-3 * (voters - i); // nearer neighbours break ties
      }
      int predicted = 0;
      for (int c = 1; c < classes; c++) {
        if (votes[c] > votes[predicted]) {
          predicted = c;
        }
      }
      correct += predicted == queryLabels[q] ? 1 : 0;
    }
    return (double) correct / queryFeatures.length;
  }

  private float[][] features(Supernet net, Architecture arch, Batches set) {
    int n = set.set().count();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    float[][] out = new float[n][];
    for (int from = 0; from < n; from += batchSize) {
      int count = Math.min(batchSize, n - from);
      try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
        NDArray f = net.features(arch, set.images(step, order, from, count, arch.resolution(), null), false);
        f = f.div(f.square().sum(new int[] {1}, true).add(1e-12f).sqrt());
        int dim = (int) f.getShape().get(1);
        float[] flat = f.toFloatArray();
        for (int i = 0; i < count; i++) {
          out[from + i] = java.util.Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
        }
      }
    }
    return out;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
