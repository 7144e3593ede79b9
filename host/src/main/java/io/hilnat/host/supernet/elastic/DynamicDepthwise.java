package io.hilnat.host.supernet.elastic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.hilnat.host.net.Conv2d;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OFA's elastic kernel: one shared depthwise weight of the largest kernel; a smaller kernel is the
 * centre of the next larger one times a learned transform (identity at start, shared by all channels).
 */
public final class DynamicDepthwise {

  private final NDArray weight;
  private final String weightName;
  private final List<Integer> kernels; // ascending
  private final Map<Integer, NDArray> transforms = new HashMap<>();
  private final int stride;

  DynamicDepthwise(Weights w, String name, int channels, List<Integer> kernels, int stride) {
    this.kernels = kernels;
    this.stride = stride;
    int max = kernels.get(kernels.size() - 1);
    this.weightName = name + ".weight";
    this.weight = w.conv(weightName, channels, 1, max);
    for (int i = 0; i < kernels.size() - 1; i++) {
      int k = kernels.get(i);
      transforms.put(k, w.identity(name + ".transform" + k + "x" + k, k * k));
    }
  }

  /** All channels' kernel of size {@code k}. */
  NDArray kernel(int k) {
    int index = kernels.indexOf(k);
    if (index < 0) {
      throw new IllegalArgumentException("kernel " + k + " is not one of " + kernels);
    }
    NDArray result;
    if (index == kernels.size() - 1) {
      result = weight;
    } else {
      NDArray larger = kernel(kernels.get(index + 1));
      int start = (kernels.get(index + 1) - k) / 2;
      long channels = weight.getShape().get(0);
      NDArray centre = larger.get(new NDIndex(":, :, " + start + ":" + (start + k) + ", " + start + ":" + (start + k)));
      result = centre.reshape(channels, k * k).matMul(transforms.get(k).transpose()).reshape(channels, 1, k, k);
    }
    return result;
  }

  NDArray forward(NDArray x, int k) {
    int c = (int) x.getShape().get(1);
    NDArray w = Weights.leading(kernel(k), c);
    return ai.djl.nn.convolutional.Conv2d.conv2d(x, w, null, new Shape(stride, stride), new Shape(k / 2, k / 2),
        new Shape(1, 1), c).singletonOrThrow();
  }

  Conv2d describe(int channels, int k) {
    float[] w = Weights.leading(kernel(k), channels).toFloatArray();
    return new Conv2d(channels, channels, k, stride, true, w, null);
  }

  /** Reorders the channels; the transforms act within each channel's kernel and stay as they are. */
  AxisPermutation permuteChannels(int[] order) {
    return new AxisPermutation(weightName, 0, order);
  }

  public NDArray sharedWeight() {
    return weight;
  }

  public NDArray transform(int k) {
    return transforms.get(k);
  }
}
