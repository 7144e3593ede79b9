package io.hilnat.host.export;

import java.util.List;
import java.util.Map;

/**
 * What a deployable model says about itself beside its weights: its class labels (index = output), the training
 * set's per-channel normalisation that the model applies inside, its precision, and what the run measured for it
 * (accuracy, latencies, by name; each value says what made it).
 */
public record ModelCard(String name, String description, List<String> labels, float[] mean, float[] std,
    String precision, Map<String, Object> measured) {

  /** An fp32 model whose training normalised every channel alike, as {@code Batches} does. */
  public static ModelCard fp32(String name, String description, List<String> labels, int channels, float mean,
      float std, Map<String, Object> measured) {
    float[] m = new float[channels];
    float[] s = new float[channels];
    java.util.Arrays.fill(m, mean);
    java.util.Arrays.fill(s, std);
    return new ModelCard(name, description, labels, m, s, Precision.FP32, measured);
  }

  /** The same card for a model of another {@link Precision}. */
  public ModelCard withPrecision(String other) {
    return new ModelCard(name, description, labels, mean, std, Precision.of(other), measured);
  }

  public ModelCard {
    labels = List.copyOf(labels);
    measured = Map.copyOf(measured);
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException("mean and std need one value per input channel");
    }
  }
}
