package io.hilnat.host.search;

import io.hilnat.host.data.Batches;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.supernet.SubnetEvaluator;
import io.hilnat.host.supernet.Supernet;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Top-1 error on the validation split with weights inherited from the supernet (batch norms
 * recalibrated first). The source names the adaptation round, because online transfer keeps changing
 * the weights the number was measured with.
 */
public final class SupernetAccuracyEvaluator implements Evaluator {

  private final Supernet net;
  private final SubnetEvaluator evaluator;
  private final Batches validation;
  private final IntSupplier round;

  public SupernetAccuracyEvaluator(Supernet net, SubnetEvaluator evaluator, Batches validation, IntSupplier round) {
    this.net = net;
    this.evaluator = evaluator;
    this.validation = validation;
    this.round = round;
  }

  @Override
  public List<String> provides() {
    return List.of("error");
  }

  @Override
  public List<Measurement> evaluate(Architecture arch) {
    double accuracy = evaluator.accuracy(net, arch, validation);
    return List.of(new Measurement("error", 1 - accuracy, "supernet@" + round.getAsInt(),
        "{\"validation_images\":" + validation.set().count() + "}"));
  }
}
