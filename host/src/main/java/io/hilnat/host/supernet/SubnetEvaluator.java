package io.hilnat.host.supernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.hilnat.host.data.Batches;
import io.hilnat.host.space.Architecture;
import java.util.Random;

/** Top-1 accuracy of a subnet with inherited weights, after batch-norm recalibration (NAT: 960 images). */
public final class SubnetEvaluator {

  private final Batches calibration;
  private final int calibrationImages;
  private final int batchSize;
  private final NDManager manager;

  public SubnetEvaluator(Batches calibration, int calibrationImages, int batchSize, NDManager manager) {
    this.calibration = calibration;
    this.calibrationImages = calibrationImages;
    this.batchSize = batchSize;
    this.manager = manager;
  }

  /** Recalibrates {@code arch}'s batch norms, then measures accuracy on {@code test}. */
  public double accuracy(Supernet net, Architecture arch, Batches test) {
    recalibrate(net, arch);
    return accuracyAsIs(net, arch, test);
  }

  public void recalibrate(Supernet net, Architecture arch) {
    int[] order = calibration.shuffled(new Random(17));
    int images = Math.min(calibrationImages, order.length);
    int batches = (images + batchSize - 1) / batchSize;
    try (NDManager scope = manager.newSubManager()) {
      BatchNormCalibration.recalibrate(net, arch, (i, resolution) -> {
        if (i >= batches) {
          return null;
        }
        int from = i * batchSize;
        return calibration.images(scope, order, from, Math.min(batchSize, images - from), resolution, null);
      });
    }
  }

  /** Accuracy with the batch-norm statistics as they are. */
  public double accuracyAsIs(Supernet net, Architecture arch, Batches test) {
    int n = test.set().count();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    long correct = 0;
    for (int from = 0; from < n; from += batchSize) {
      int count = Math.min(batchSize, n - from);
      try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
        NDArray logits = net.forward(arch, test.images(step, order, from, count, arch.resolution(), null), false);
        NDArray predicted = logits.argMax(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        correct += predicted.eq(test.labels(step, order, from, count)).sum().getLong();
      }
    }
    return (double) correct / n;
  }
}
