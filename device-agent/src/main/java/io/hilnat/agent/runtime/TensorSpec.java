package io.hilnat.agent.runtime;

/** Name, shape and element type of a model's input or output tensor. */
public record TensorSpec(String name, int[] shape, String dtype) {
  public int elements() {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }
}
