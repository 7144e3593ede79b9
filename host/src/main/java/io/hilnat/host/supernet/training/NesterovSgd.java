package io.hilnat.host.supernet.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.hilnat.host.supernet.elastic.AxisPermutation;
import java.util.HashMap;
import java.util.Map;

/**
 * SGD with Nesterov momentum over named arrays, gradients clipped to a global L2 norm, no weight decay on
 * one-dimensional arrays (batch norms, biases) and kernel transforms. A step whose gradients are not finite
 * only clears them. Momentum buffers live in the optimiser's own manager, outside any step's scope.
 */
public final class NesterovSgd {

  /** Batch norms on near-constant channels can spike gradients. */
  private static final double MAX_GRADIENT_NORM = 5.0;

  private final double momentum;
  private final double weightDecay;
  private final NDManager state;
  private final Map<String, NDArray> velocity = new HashMap<>();

  public NesterovSgd(double momentum, double weightDecay, NDManager manager) {
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.state = manager.newSubManager();
  }

  /**
   * Reorders a parameter's momentum as the parameter itself was reordered. Permuting rather than resetting
   * keeps the update direction of every channel, so the largest subnet trains on exactly as if nothing had
   * been sorted; a reset would throw away the running average for the whole supernet at every sort.
   */
  public void permute(AxisPermutation p) {
    NDArray v = velocity.get(p.name());
    if (v != null) {
      p.apply(v);
    }
  }

  /** The momentum buffers by parameter name (the optimiser's own arrays: copy before changing). */
  Map<String, NDArray> velocities() {
    return velocity;
  }

  /** Sets the momentum of parameter {@code name} to a copy of {@code values}. */
  void restore(String name, NDArray values) {
    NDArray copy = state.create(values.toFloatArray(), values.getShape());
    NDScope.unregister(copy);
    NDArray old = velocity.put(name, copy);
    if (old != null) {
      old.close();
    }
  }

  /** Updates {@code parameters} from their gradients and zeroes them; false when the gradients were not finite. */
  public boolean step(Map<String, NDArray> parameters, double lr) {
    List<NDArray> gradients = new ArrayList<>(parameters.size());
    // one read of the norm per step: a read per parameter would make a GPU wait for each of them
    NDList norms = new NDList(parameters.size());
    for (NDArray p : parameters.values()) {
      NDArray g = p.getGradient();
      gradients.add(g);
      norms.add(g.norm());
    }
    double norm = NDArrays.stack(norms).norm().getFloat();
    if (!Double.isFinite(norm)) {
      gradients.forEach(NesterovSgd::clear);
      return false;
    }
    double scale = norm > MAX_GRADIENT_NORM ? MAX_GRADIENT_NORM / norm : 1.0;
    // one array per constant for the whole step: an operation with a Java number makes and frees an array each time,
    // which costs more than the arithmetic on most of a supernet's small parameters
    NDManager constants = state.newSubManager();
    try (constants) {
      NDArray scaleBy = constant(constants, scale);
      NDArray decay = constant(constants, weightDecay);
      NDArray mu = constant(constants, momentum);
      NDArray rate = constant(constants, lr);
      NDArray zero = constant(constants, 0);
      int i = 0;
      for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
        NDArray p = e.getValue();
        // the gradient's own buffer holds the update: it is cleared for the next step anyway
        NDArray g = gradients.get(i++);
        if (scale != 1.0) {
          g.muli(scaleBy);
        }
        if (p.getShape().dimension() > 1 && !e.getKey().contains("transform")) {
          g.addi(p.mul(decay));
        }
        NDArray v = velocity.computeIfAbsent(e.getKey(), k -> {
          NDArray zeros = state.zeros(p.getShape());
          NDScope.unregister(zeros);
          return zeros;
        });
        v.muli(mu).addi(g);
        p.subi(g.addi(v.mul(mu)).muli(rate));
        g.muli(zero); // finite here (the norm was), so this clears it
      }
    }
    return true;
  }

  private static NDArray constant(NDManager manager, double value) {
    return manager.full(new ai.djl.ndarray.types.Shape(), (float) value, ai.djl.ndarray.types.DataType.FLOAT32);
  }

  /** DJL allocates gradients without clearing them and backward adds into them (see Weights.zeroGradient). */
  private static void clear(NDArray gradient) {
    gradient.set(new ai.djl.ndarray.index.NDIndex(":"), 0f);
  }
}
