package io.hilnat.host.supernet.elastic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.hilnat.host.net.BatchNorm;
import java.util.List;
import java.util.stream.Stream;

/**
 * Batch norm over the first {@code c} channels of a maximal one: in training, batch statistics of the
 * active channels, whose running statistics alone are updated; in evaluation, the running statistics.
 */
public final class DynamicBatchNorm {

  static final float EPS = 1e-5f;
  private static final float MOMENTUM = 0.1f;

  final NDArray gamma;
  final NDArray beta;
  public final NDArray runningMean;
  public final NDArray runningVar;
  private final String name;
  /** When set, training-mode calls add their batch statistics here (BN recalibration). */
  public Calibration calibration;

  public DynamicBatchNorm(Weights w, String name, int channels) {
    this.name = name;
    gamma = w.ones(name + ".gamma", channels);
    beta = w.zeros(name + ".beta", channels);
    runningMean = w.state(name + ".running_mean", channels, 0f);
    runningVar = w.state(name + ".running_var", channels, 1f);
  }

  public NDArray forward(NDArray x, boolean training) {
    int c = (int) x.getShape().get(1);
    Shape perChannel = new Shape(1, c, 1, 1);
    NDArray g = Weights.leading(gamma, c);
    NDArray b = Weights.leading(beta, c);
    NDArray mean;
    NDArray var;
    if (training && calibration == null) {
      // PyTorch's fused batch norm: one op forward and backward instead of a dozen. It updates the running
      // statistics it is given in place, as nn.BatchNorm2d has it do; the active channels' slices are views, so
      // the supernet's own statistics are what it updates. DJL passes 1 - momentum.
      return ai.djl.nn.norm.BatchNorm.batchNorm(x, Weights.leading(runningMean, c), Weights.leading(runningVar, c),
          g, b, -1, 1 - MOMENTUM, EPS, true).singletonOrThrow();
    }
    if (training) {
      long count = x.size() / c;
      mean = x.sum(new int[] {0, 2, 3}).div(count);
      NDArray centred = x.sub(mean.reshape(perChannel));
      var = centred.square().sum(new int[] {0, 2, 3}).div(count);
      calibration.add(this, mean, var);
      NDArray normalised = centred.div(var.add(EPS).sqrt().reshape(perChannel));
      return normalised.mul(g.reshape(perChannel)).add(b.reshape(perChannel));
    }
    mean = Weights.leading(runningMean, c);
    var = Weights.leading(runningVar, c);
    NDArray scale = g.div(var.add(EPS).sqrt());
    NDArray shift = b.sub(mean.mul(scale));
    return x.mul(scale.reshape(perChannel)).add(shift.reshape(perChannel));
  }

  /** Reorders the channels, parameters and running statistics alike. */
  List<AxisPermutation> permuteChannels(int[] order) {
    return Stream.of(".gamma", ".beta", ".running_mean", ".running_var")
        .map(array -> new AxisPermutation(name + array, 0, order)).toList();
  }

  public BatchNorm describe(int c) {
    return new BatchNorm(c, Weights.leading(gamma, c).toFloatArray(), Weights.leading(beta, c).toFloatArray(),
        Weights.leading(runningMean, c).toFloatArray(), Weights.leading(runningVar, c).toFloatArray(), EPS);
  }

  /** Averages of batch statistics over the calibration batches (OFA's set_running_statistics). */
  public interface Calibration {
    void add(DynamicBatchNorm bn, NDArray mean, NDArray var);
  }
}
