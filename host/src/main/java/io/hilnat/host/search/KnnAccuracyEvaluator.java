package io.hilnat.host.search;

import io.hilnat.host.data.Batches;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.supernet.KnnProbe;
import io.hilnat.host.supernet.Supernet;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Top-1 error when labels are scarce: leave-one-out k-NN over the few labelled images, on the subnet's
 * inherited (self-supervised) features. No classifier is trained, so no label outside the labelled set is used.
 */
public final class KnnAccuracyEvaluator implements Evaluator {

  private final Supernet net;
  private final KnnProbe probe;
  private final Batches labelled;
  private final IntSupplier round;

  public KnnAccuracyEvaluator(Supernet net, KnnProbe probe, Batches labelled, IntSupplier round) {
    this.net = net;
    this.probe = probe;
    this.labelled = labelled;
    this.round = round;
  }

  @Override
  public List<String> provides() {
    return List.of("error");
  }

  @Override
  public List<Measurement> evaluate(Architecture arch) {
    double accuracy = probe.accuracy(net, arch, labelled, labelled);
    return List.of(new Measurement("error", 1 - accuracy, "knn@" + round.getAsInt(),
        "{\"labelled_images\":" + labelled.set().count() + "}"));
  }
}
