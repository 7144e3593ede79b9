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
  /** The arrays a replica copies instead of initialising its own; null for a supernet of its own. */
  private final Weights source;
  private final Map<String, NDArray> trainable = new LinkedHashMap<>();
  private final Map<String, NDArray> state = new LinkedHashMap<>();

  public Weights(NDManager manager) {
    this(manager, null);
  }

  /**
   * Arrays in {@code manager} (on its device) that start as copies of {@code source}'s, which must be built by the
   * same layers in the same order. Nothing random is drawn: a replica leaves the random generators where they were.
   */
  public Weights(NDManager manager, Weights source) {
    this.manager = manager;
    this.source = source;
  }

  /** Kaiming-normal (fan-out, as OFA initialises convolutions). */
  NDArray conv(String name, int out, int inPerGroup, int kernel) {
    double std = Math.sqrt(2.0 / (out * kernel * kernel));
    return param(name, () -> manager.randomNormal(0f, (float) std, new Shape(out, inPerGroup, kernel, kernel),
        ai.djl.ndarray.types.DataType.FLOAT32));
  }

  public NDArray linear(String name, int out, int in) {
    return param(name, () -> manager.randomNormal(0f, (float) Math.sqrt(1.0 / in), new Shape(out, in),
        ai.djl.ndarray.types.DataType.FLOAT32));
  }

  public NDArray zeros(String name, int n) {
    return param(name, () -> manager.zeros(new Shape(n)));
  }

  public NDArray ones(String name, int n) {
    return param(name, () -> manager.ones(new Shape(n)));
  }

  NDArray identity(String name, int n) {
    return param(name, () -> manager.eye(n));
  }

  /** A running statistic of {@code n} channels, starting at {@code value}. */
  NDArray state(String name, int n, float value) {
    NDArray array = source == null ? manager.full(new Shape(n), value) : copyOf(source.state, name);
    state.put(name, array);
    return array;
  }

  private NDArray copyOf(Map<String, NDArray> arrays, String name) {
    NDArray original = arrays.get(name);
    if (original == null) {
      throw new IllegalStateException("the replicated supernet has no array named " + name);
    }
    // on the same device PyTorch's to() hands back the tensor itself, copy asked for or not: duplicate instead
    NDArray copy = original.getDevice().equals(manager.getDevice()) ? original.duplicate()
        : original.toDevice(manager.getDevice(), false);
    ai.djl.ndarray.NDScope.unregister(copy); // it lives as long as the replica, not the scope it was made in
    copy.attach(manager);
    return copy;
  }

  private NDArray param(String name, java.util.function.Supplier<NDArray> initial) {
    NDArray value = source == null ? initial.get() : copyOf(source.trainable, name);
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
    p.apply(array(p.name()));
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

  /**
   * Sets the arrays {@code names} (parameters or state) to {@code from}'s values, moved to this one's device: a
   * replica taking the updated weights after a step.
   */
  public void copyFrom(Weights from, java.util.Collection<String> names) {
    for (String name : names) {
      NDArray target = array(name);
      NDArray value = from.array(name);
      try (NDArray moved = value.toDevice(target.getDevice(), true)) {
        target.set(new ai.djl.ndarray.index.NDIndex(":"), moved);
      }
    }
  }

  /** Adds this one's gradients of {@code names} into {@code into}'s, on its device, and zeroes this one's. */
  public void moveGradients(Weights into, java.util.Collection<String> names) {
    for (String name : names) {
      try (NDArray gradient = trainable.get(name).getGradient(); NDArray total = into.trainable.get(name).getGradient();
          NDArray moved = gradient.toDevice(total.getDevice(), true)) {
        total.addi(moved);
        zeroGradient(trainable.get(name));
      }
    }
  }

  private NDArray array(String name) {
    NDArray array = trainable.containsKey(name) ? trainable.get(name) : state.get(name);
    if (array == null) {
      throw new IllegalArgumentException("no array named " + name);
    }
    return array;
  }
}
