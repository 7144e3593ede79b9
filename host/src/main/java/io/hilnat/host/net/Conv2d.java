package io.hilnat.host.net;

/**
 * A 2-D convolution with symmetric padding {@code kernel / 2}.
 *
 * @param weight OIHW layout: {@code [out, in, k, k]} for a dense conv, {@code [channels, 1, k, k]} when
 *     depthwise (then {@code inChannels == outChannels})
 * @param bias {@code null} when the conv has none (it is usually followed by a batch norm)
 */
public record Conv2d(
    int inChannels, int outChannels, int kernel, int stride, boolean depthwise, float[] weight, float[] bias)
    implements Node {

  public Conv2d {
    if (depthwise && inChannels != outChannels) {
      throw new IllegalArgumentException(
          "depthwise conv needs inChannels == outChannels, got " + inChannels + " and " + outChannels);
    }
    int expected = outChannels * (depthwise ? 1 : inChannels) * kernel * kernel;
    if (weight.length != expected) {
      throw new IllegalArgumentException(
          "conv weight has " + weight.length + " values, expected " + expected);
    }
    if (bias != null && bias.length != outChannels) {
      throw new IllegalArgumentException("conv bias has " + bias.length + " values, expected " + outChannels);
    }
  }

  /** Output size along one spatial axis for an input of {@code size}. */
  public int outputSize(int size) {
    int pad = kernel / 2;
    return (size + 2 * pad - kernel) / stride + 1;
  }
}
