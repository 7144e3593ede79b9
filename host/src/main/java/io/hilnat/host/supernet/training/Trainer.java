package io.hilnat.host.supernet.training;

import io.hilnat.host.space.Architecture;
import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/** Step-wise supernet training (supervised or contrastive) that {@link SupernetTraining} drives. */
public interface Trainer {

  /** What a step did; {@code skipped} when its gradients were not finite and no update was made. */
  record StepResult(double loss, int images, boolean skipped) {}

  /**
   * Runs steps {@code [firstStep, firstStep + steps)} of {@code totalSteps} (the learning-rate schedule's
   * length), each on the subnets {@code subnets} draws; {@code onStep} sees each result.
   */
  void train(long firstStep, long steps, long totalSteps, Random random, Function<Random, List<Architecture>> subnets,
      BiConsumer<Long, StepResult> onStep, Supplier<Boolean> keepGoing);

  /**
   * Arrays beyond the supernet's own that training continues from, by name: the optimiser's momentum, a projection
   * head. A checkpoint keeps them, so a resumed run goes on as the interrupted one would have.
   */
  default Map<String, NDArray> state() {
    return Map.of();
  }

  /** Takes back values {@link #state()} gave; a name this trainer does not have is ignored. */
  default void restore(Map<String, NDArray> saved) {}

  /** Linear warm-up to {@code peak} over {@code warmup} steps, then cosine decay to zero at {@code total}. */
  static double cosineWithWarmup(long step, long total, double peak, int warmup) {
    if (step < warmup) {
      return peak * (step + 1) / warmup;
    }
    double progress = (double) (step - warmup) / Math.max(1, total - warmup);
    return 0.5 * peak * (1 + Math.cos(Math.PI * Math.min(1, progress)));
  }
}
