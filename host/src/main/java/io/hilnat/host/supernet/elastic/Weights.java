package io.hilnat.host.supernet.elastic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The supernet's arrays by name, in one long-lived manager: trainable parameters (with gradients) and
 * state (batch-norm running statistics). Names make saving, loading and weight-decay rules simple.
 */
public final class Weights {

  private final NDManager manager;
  private final Map<String, NDArray> trainable = new LinkedHashMap<>();
  private final Map<String, NDArray> state = new LinkedHashMap<>();

  public Weights(NDManager manager) {
    this.manager = manager;
  }

  NDManager manager() {
    return manager;
  }

  /** Kaiming-normal (fan-out, as OFA initialises convolutions). */
  NDArray conv(String name, int out, int inPerGroup, int kernel) {
    double std = Math.sqrt(2.0 / (out * kernel * kernel));
    return param(name, manager.randomNormal(0f, (float) std, new Shape(out, inPerGroup, kernel, kernel),
        ai.djl.ndarray.types.DataType.FLOAT32));
  }

  public NDArray linear(String name, int out, int in) {
    return param(name, manager.randomNormal(0f, (float) Math.sqrt(1.0 / in), new Shape(out, in),
        ai.djl.ndarray.types.DataType.FLOAT32));
  }

  public NDArray zeros(String name, int n) {
    return param(name, manager.zeros(new Shape(n)));
  }

  public NDArray ones(String name, int n) {
    return param(name, manager.ones(new Shape(n)));
  }

  NDArray identity(String name, int n) {
    return param(name, manager.eye(n));
  }

  NDArray state(String name, NDArray value) {
    state.put(name, value);
    return value;
  }

  private NDArray param(String name, NDArray value) {
    value.setRequiresGradient(true);
    zeroGradient(value);
    trainable.put(name, value);
    return value;
  }

  /**
   * Sets a parameter's gradient to zero by assignment. DJL allocates gradients without clearing them,
   * and backward adds into them: recycled memory would otherwise leak NaNs into training.
   */
  public static void zeroGradient(NDArray parameter) {
    try (NDArray gradient = parameter.getGradient()) {
      gradient.set(new ai.djl.ndarray.index.NDIndex(":"), 0f);
    }
  }

  public Map<String, NDArray> trainable() {
    return trainable;
  }

  /** Everything that defines the network: parameters, then state. */
  public Map<String, NDArray> all() {
    Map<String, NDArray> all = new LinkedHashMap<>(trainable);
    all.putAll(state);
    return all;
  }

  /** Applies {@code p} to the array it names. */
  public void permute(AxisPermutation p) {
    NDArray array = trainable.containsKey(p.name()) ? trainable.get(p.name()) : state.get(p.name());
    if (array == null) {
      throw new IllegalArgumentException("no array named " + p.name());
    }
    p.apply(array);
  }

  /**
   * The first {@code sizes[d]} entries of each leading axis {@code d}: the array itself when that is all of it, since
   * a slice costs autograd a zeroed full-size gradient and a copy in every backward pass.
   */
  public static NDArray leading(NDArray array, long... sizes) {
    Shape shape = array.getShape();
    boolean whole = true;
    ai.djl.ndarray.index.NDIndex index = new ai.djl.ndarray.index.NDIndex();
    for (int d = 0; d < sizes.length; d++) {
      whole &= sizes[d] == shape.get(d);
      index.addSliceDim(0, sizes[d]);
    }
    return whole ? array : array.get(index);
  }

  public List<NDArray> parameters() {
    return new ArrayList<>(trainable.values());
  }
}
