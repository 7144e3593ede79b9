package io.hilnat.host.net;

/**
 * Squeeze-and-excite as in MobileNetV3: {@code x * hsigmoid(W2 relu(W1 avgpool(x) + b1) + b2)}.
 *
 * @param reduceWeight {@code [reduced, channels]}
 * @param expandWeight {@code [channels, reduced]}
 */
public record SqueezeExcite(
    int channels,
    int reducedChannels,
    float[] reduceWeight,
    float[] reduceBias,
    float[] expandWeight,
    float[] expandBias)
    implements Node {

  public SqueezeExcite {
    if (reduceWeight.length != channels * reducedChannels
        || expandWeight.length != channels * reducedChannels
        || reduceBias.length != reducedChannels
        || expandBias.length != channels) {
      throw new IllegalArgumentException(
          "squeeze-excite arrays do not match channels=" + channels + " reduced=" + reducedChannels);
    }
  }
}
