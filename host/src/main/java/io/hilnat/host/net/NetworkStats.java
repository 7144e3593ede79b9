package io.hilnat.host.net;

import java.util.List;

/**
 * Multiply-adds and parameter counts of a {@link NetworkDescription} for one input image.
 * MAdds count convolutions, dense layers and the squeeze-excite FCs (not activations, pools or adds);
 * parameters count weights and biases, and four values per channel of each batch norm.
 */
public record NetworkStats(long madds, long params) {

  public static NetworkStats of(NetworkDescription net) {
    long[] totals = new long[2];
    walk(net.nodes(), net.inputChannels(), net.inputSize(), totals);
    return new NetworkStats(totals[0], totals[1]);
  }

  /** Returns the {channels, size} after the nodes; accumulates into {@code totals}. */
  private static int[] walk(List<Node> nodes, int channels, int size, long[] totals) {
    for (Node node : nodes) {
      if (node instanceof Conv2d c) {
        size = c.outputSize(size);
        long perPosition = (long) c.outChannels() * (c.depthwise() ? 1 : c.inChannels()) * c.kernel() * c.kernel();
        totals[0] += perPosition * size * size;
        totals[1] += c.weight().length + (c.bias() == null ? 0 : c.bias().length);
        channels = c.outChannels();
      } else if (node instanceof BatchNorm bn) {
        totals[1] += 4L * bn.channels();
      } else if (node instanceof SqueezeExcite se) {
        long fc = 2L * se.channels() * se.reducedChannels();
        totals[0] += fc;
        totals[1] += fc + se.channels() + se.reducedChannels();
      } else if (node instanceof Residual r) {
        walk(r.body(), channels, size, totals);
      } else if (node instanceof GlobalAvgPool) {
        size = 1;
      } else if (node instanceof Dense d) {
        totals[0] += (long) d.inFeatures() * d.outFeatures();
        totals[1] += d.weight().length + d.bias().length;
        channels = d.outFeatures();
      }
    }
    return new int[] {channels, size};
  }
}
