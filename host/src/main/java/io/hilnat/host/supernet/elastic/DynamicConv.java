package io.hilnat.host.supernet.elastic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.hilnat.host.engine.ChannelsLast;
import io.hilnat.host.net.Conv2d;

/**
 * A dense convolution of fixed kernel whose input and output channels are the first of a maximal one. On
 * channels-last inputs a 1×1 one is a matrix product over the pixels ({@link ChannelsLast#pointwise}).
 */
public final class DynamicConv {

  final NDArray weight;
  private final String weightName;
  private final int kernel;
  private final int stride;
  private final boolean asProduct;

  public DynamicConv(Weights w, String name, int maxIn, int maxOut, int kernel, int stride, boolean channelsLast) {
    this.weightName = name + ".weight";
    this.weight = w.conv(weightName, maxOut, maxIn, kernel);
    this.kernel = kernel;
    this.stride = stride;
    this.asProduct = channelsLast && kernel == 1 && stride == 1;
  }

  public NDArray forward(NDArray x, int out) {
    int in = (int) x.getShape().get(1);
    NDArray w = Weights.leading(weight, out, in);
    if (asProduct) {
      return ChannelsLast.pointwise(x, w);
    }
    return ai.djl.nn.convolutional.Conv2d.conv2d(x, w, null, new Shape(stride, stride),
        new Shape(kernel / 2, kernel / 2), new Shape(1, 1), 1).singletonOrThrow();
  }

  AxisPermutation permuteOutputs(int[] order) {
    return new AxisPermutation(weightName, 0, order);
  }

  AxisPermutation permuteInputs(int[] order) {
    return new AxisPermutation(weightName, 1, order);
  }

  public Conv2d describe(int in, int out) {
    float[] w = Weights.leading(weight, out, in).toFloatArray();
    return new Conv2d(in, out, kernel, stride, false, w, null);
  }
}
