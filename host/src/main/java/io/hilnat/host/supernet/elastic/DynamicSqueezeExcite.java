package io.hilnat.host.supernet.elastic;

import ai.djl.ndarray.NDArray;
import io.hilnat.host.net.Activation;
import io.hilnat.host.net.DjlForward;
import io.hilnat.host.net.SqueezeExcite;
import io.hilnat.host.space.SubnetBuilder;
import java.util.List;

/** Squeeze-and-excite whose channels, and reduced channels (a quarter, rounded), follow the input. */
final class DynamicSqueezeExcite {

  private final NDArray reduceWeight;
  private final NDArray reduceBias;
  private final NDArray expandWeight;
  private final NDArray expandBias;
  private final String name;

  DynamicSqueezeExcite(Weights w, String name, int maxChannels) {
    this.name = name;
    int maxReduced = SubnetBuilder.squeezeChannels(maxChannels);
    reduceWeight = w.linear(name + ".reduce.weight", maxReduced, maxChannels);
    reduceBias = w.zeros(name + ".reduce.bias", maxReduced);
    expandWeight = w.linear(name + ".expand.weight", maxChannels, maxReduced);
    expandBias = w.zeros(name + ".expand.bias", maxChannels);
  }

  NDArray forward(NDArray x) {
    long n = x.getShape().get(0);
    int c = (int) x.getShape().get(1);
    int r = SubnetBuilder.squeezeChannels(c);
    long spatial = x.getShape().get(2) * x.getShape().get(3);
    NDArray pooled = x.sum(new int[] {2, 3}).div(DjlForward.scalar(x, spatial));
    NDArray hidden = DjlForward.activate(Activation.Kind.RELU, pooled.matMul(Weights.leading(reduceWeight, r, c)
        .transpose()).add(Weights.leading(reduceBias, r)));
    NDArray gate = DjlForward.activate(Activation.Kind.HSIGMOID,
        hidden.matMul(Weights.leading(expandWeight, c, r).transpose()).add(Weights.leading(expandBias, c)));
    return x.mul(gate.reshape(n, c, 1, 1));
  }

  /** Follows a reordering of the block's channels: they are reduce's inputs and expand's outputs. */
  List<AxisPermutation> permuteChannels(int[] order) {
    return List.of(new AxisPermutation(name + ".reduce.weight", 1, order),
        new AxisPermutation(name + ".expand.weight", 0, order), new AxisPermutation(name + ".expand.bias", 0, order));
  }

  /**
   * Orders the reduced channels, which are elastic too (a quarter of the active channels), by importance:
   * the L1 norm of expand's weights reading each (OFA does the same).
   */
  List<AxisPermutation> sortReducedChannels() {
    int[] order = AxisPermutation.descending(AxisPermutation.l1Norms(expandWeight, 1));
    return List.of(new AxisPermutation(name + ".reduce.weight", 0, order),
        new AxisPermutation(name + ".reduce.bias", 0, order), new AxisPermutation(name + ".expand.weight", 1, order));
  }

  SqueezeExcite describe(int c) {
    int r = SubnetBuilder.squeezeChannels(c);
    return new SqueezeExcite(c, r, Weights.leading(reduceWeight, r, c).toFloatArray(),
        Weights.leading(reduceBias, r).toFloatArray(), Weights.leading(expandWeight, c, r).toFloatArray(),
        Weights.leading(expandBias, c).toFloatArray());
  }
}
