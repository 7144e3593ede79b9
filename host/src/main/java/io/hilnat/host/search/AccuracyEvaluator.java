package io.hilnat.host.search;

import io.hilnat.host.space.Architecture;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Top-1 error with weights inherited from the supernet: on the validation split after batch-norm
 * recalibration, or, when labels are scarce, by k-NN over the labelled share. The source names the method and
 * the adaptation round, because online transfer keeps changing the weights the number was measured with.
 */
public final class AccuracyEvaluator implements Evaluator {

  private final String method;
  private final ToDoubleFunction<Architecture> accuracy;
  private final IntSupplier round;
  private final String detail;

  /**
   * @param method {@code supernet} or {@code knn}: the source's prefix
   * @param accuracy a subnet's top-1 as a fraction
   * @param detail JSON kept with each measurement (e.g. how many images it used)
   */
  public AccuracyEvaluator(String method, ToDoubleFunction<Architecture> accuracy, IntSupplier round, String detail) {
    this.method = method;
    this.accuracy = accuracy;
    this.round = round;
    this.detail = detail;
  }

  @Override
  public List<String> provides() {
    return List.of("error");
  }

  @Override
  public List<Measurement> evaluate(Architecture arch) {
    return List.of(new Measurement("error", 1 - accuracy.applyAsDouble(arch), method + "@" + round.getAsInt(), detail));
  }
}
