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
}
