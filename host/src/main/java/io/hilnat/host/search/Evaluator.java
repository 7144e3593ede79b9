package io.hilnat.host.search;

import io.hilnat.host.space.Architecture;
import java.util.List;

/**
 * Real evaluation of subnets. The search sees only this: whether numbers come from the supernet, a
 * counter or a phone is the implementation's business (it says so in each {@link Measurement}'s source).
 */
public interface Evaluator {

  /** Objectives this evaluator supplies, by {@link Objective#name()}. */
  List<String> provides();

  /** The values of {@link #provides()} for {@code arch}, in that order. */
  List<Measurement> evaluate(Architecture arch) throws Exception;

  /**
   * Every subnet of {@code archs}, each one's values handed to {@code done} once known. One at a time unless the
   * evaluator can do better: a fleet measures a batch on all its agents at once.
   */
  default void evaluateAll(List<Architecture> archs, Done done) throws Exception {
    for (int i = 0; i < archs.size(); i++) {
      done.accept(i, evaluate(archs.get(i)));
    }
  }

  /** Receives the values of {@code archs.get(index)}. */
  interface Done {
    void accept(int index, List<Measurement> values) throws Exception;
  }
}
