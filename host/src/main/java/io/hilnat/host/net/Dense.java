package io.hilnat.host.net;

/**
 * A fully connected layer over a flattened input.
 *
 * @param weight {@code [out, in]}
 */
public record Dense(int inFeatures, int outFeatures, float[] weight, float[] bias) implements Node {
  public Dense {
    if (weight.length != inFeatures * outFeatures || bias.length != outFeatures) {
      throw new IllegalArgumentException(
          "dense arrays do not match in=" + inFeatures + " out=" + outFeatures);
    }
  }
}
