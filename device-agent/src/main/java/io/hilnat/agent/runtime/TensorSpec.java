package io.hilnat.agent.runtime;

import java.util.SplittableRandom;

/** Name, shape and element type of a model's input or output tensor. */
public record TensorSpec(String name, int[] shape, String dtype) {
  public int elements() {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /**
   * Seeded values an image input could hold: in [0, 1) for a float32 input (an image scaled to [0, 1]), whole
   * pixel values 0–255 for uint8, −128–127 for int8.
   */
  public float[] randomValues(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[elements()];
    for (int i = 0; i < values.length; i++) {
      values[i] = switch (dtype) {
        case "uint8" -> random.nextInt(256);
        case "int8" -> random.nextInt(256) - 128;
        default -> (float) random.nextDouble();
      };
    }
    return values;
  }
}
