package io.hilnat.host.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Puts the training set's normalisation into the network, so it takes images as an app has them, values in
 * [0, 1]: a leading per-channel {@code (x - mean) / std}, written as a batch norm with unit gamma and variance
 * std². Folding it into the first convolution instead would be wrong at the borders, where zero padding of a
 * raw image is not zero padding of a normalised one.
 */
public final class InputNormalization {

  private InputNormalization() {}

  public static NetworkDescription prepend(NetworkDescription net, float[] mean, float[] std) {
    int c = net.inputChannels();
    if (mean.length != c || std.length != c) {
      throw new IllegalArgumentException("normalisation has " + mean.length + " channels, the network's input " + c);
    }
    float[] ones = new float[c];
    Arrays.fill(ones, 1f);
    float[] variance = new float[c];
    for (int i = 0; i < c; i++) {
      variance[i] = std[i] * std[i];
    }
    List<Node> nodes = new ArrayList<>();
    nodes.add(new BatchNorm(c, ones, new float[c], mean.clone(), variance, 0f));
    nodes.addAll(net.nodes());
    return new NetworkDescription(net.name(), c, net.inputSize(), nodes);
  }
}
