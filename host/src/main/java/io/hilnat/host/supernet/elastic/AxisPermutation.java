package io.hilnat.host.supernet.elastic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.stream.IntStream;

/**
 * A reordering of one axis of a named supernet array: position {@code i} along {@code axis} receives what
 * was at {@code order[i]}. Channel sorting makes one for each array that holds a layer's middle channels;
 * the weights and the optimiser's per-parameter state both apply it, by name.
 */
public record AxisPermutation(String name, int axis, int[] order) {

  /** Rewrites {@code array} (float32) in place. */
  public void apply(NDArray array) {
    long[] shape = array.getShape().getShape();
    if (shape[axis] != order.length) {
      throw new IllegalArgumentException(name + ": axis " + axis + " has " + shape[axis] + " entries, order "
          + order.length);
    }
    int outer = 1;
    for (int a = 0; a < axis; a++) {
      outer *= (int) shape[a];
    }
    int inner = (int) (array.size() / outer / order.length);
    float[] before = array.toFloatArray();
    float[] after = new float[before.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < order.length; i++) {
        System.arraycopy(before, (o * order.length + order[i]) * inner, after, (o * order.length + i) * inner, inner);
      }
    }
    try (NDManager scope = array.getManager().newSubManager()) {
      array.set(new NDIndex(":"), scope.create(after, array.getShape()));
    }
  }

  /** The L1 norm of {@code weight} over every axis but {@code axis}: one importance per entry of that axis. */
  static float[] l1Norms(NDArray weight, int axis) {
    long[] shape = weight.getShape().getShape();
    int n = (int) shape[axis];
    int inner = 1;
    for (int a = axis + 1; a < shape.length; a++) {
      inner *= (int) shape[a];
    }
    float[] values = weight.toFloatArray();
    float[] norms = new float[n];
    for (int v = 0; v < values.length; v++) {
      norms[v / inner % n] += Math.abs(values[v]);
    }
    return norms;
  }

  /** Indices of {@code importance}, largest first (ties keep their order, so sorting twice changes nothing). */
  static int[] descending(float[] importance) {
    return IntStream.range(0, importance.length).boxed()
        .sorted((a, b) -> Float.compare(importance[b], importance[a])).mapToInt(Integer::intValue).toArray();
  }
}
