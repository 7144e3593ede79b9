package io.hilnat.host.net;

import java.util.List;

/**
 * An engine-free network: the common currency between the supernet (which extracts it), the TFLite
 * exporter (which writes it), latency tables and the MAdds / parameter counters. Input is one image
 * of {@code inputChannels × inputSize × inputSize}; output is the logits of the last node.
 */
public record NetworkDescription(String name, int inputChannels, int inputSize, List<Node> nodes) {
  /** An image in the exported model's NHWC layout from the host's CHW one. */
  public static float[] nhwc(float[] chw, int channels, int size) {
    float[] hwc = new float[chw.length];
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < size * size; i++) {
        hwc[i * channels + c] = chw[c * size * size + i];
      }
    }
    return hwc;
  }

  public NetworkDescription {
    nodes = List.copyOf(nodes);
    if (inputChannels <= 0 || inputSize <= 0) {
      throw new IllegalArgumentException("input must be positive, got " + inputChannels + "x" + inputSize);
    }
  }
}
