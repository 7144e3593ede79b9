package io.hilnat.host.supernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.supernet.elastic.DynamicBatchNorm;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Batch-norm recalibration for a subnet (NAT, OFA's set_running_statistics): the active channels'
 * running statistics become the averages of batch statistics over a few hundred training images,
 * since statistics accumulated while training other subnets do not fit this one.
 */
public final class BatchNormCalibration {

  private BatchNormCalibration() {}

  /** Supplies calibration batches {@code [N, C, R, R]} at the subnet's resolution. */
  public interface Batches {
    /** The i-th batch, created in the current scope; {@code null} when there are no more. */
    NDArray batch(int i, int resolution);
  }

  public static void recalibrate(Supernet net, Architecture arch, Batches batches) {
    Map<DynamicBatchNorm, NDArray[]> sums = new IdentityHashMap<>();
    int[] count = {0};
    DynamicBatchNorm.Calibration collect = (bn, mean, var) -> {
      NDArray[] s = sums.get(bn);
      NDArray m = mean.stopGradient();
      NDArray v = var.stopGradient();
      NDScope.unregister(m, v);
      if (s == null) {
        sums.put(bn, new NDArray[] {m, v});
      } else {
        s[0].addi(m);
        s[1].addi(v);
        m.close();
        v.close();
      }
    };
    net.batchNorms().forEach(bn -> bn.calibration = collect);
    try {
      for (int i = 0; ; i++) {
        try (NDScope scope = new NDScope()) {
          NDArray images = batches.batch(i, arch.resolution());
          if (images == null) {
            break;
          }
          net.forward(arch, images, true);
          count[0]++;
        }
      }
    } finally {
      net.batchNorms().forEach(bn -> bn.calibration = null);
    }
    if (count[0] == 0) {
      throw new IllegalArgumentException("no calibration batches");
    }
    for (Map.Entry<DynamicBatchNorm, NDArray[]> e : sums.entrySet()) {
      DynamicBatchNorm bn = e.getKey();
      NDArray[] s = e.getValue();
      NDIndex active = new NDIndex(":" + s[0].getShape().get(0));
      bn.runningMean.set(active, s[0].div(count[0]));
      bn.runningVar.set(active, s[1].div(count[0]));
      s[0].close();
      s[1].close();
    }
  }
}
