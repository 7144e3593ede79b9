package io.hilnat.host.net;

/** Inference-mode batch norm: {@code gamma * (x - mean) / sqrt(var + eps) + beta} per channel. */
public record BatchNorm(int channels, float[] gamma, float[] beta, float[] mean, float[] var, float eps)
    implements Node {

  public BatchNorm {
    for (float[] a : new float[][] {gamma, beta, mean, var}) {
      if (a.length != channels) {
        throw new IllegalArgumentException("batch norm array has " + a.length + " values, expected " + channels);
      }
    }
  }
}
