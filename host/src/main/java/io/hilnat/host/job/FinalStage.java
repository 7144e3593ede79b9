package io.hilnat.host.job;

import io.hilnat.host.export.DeployableModel;
import io.hilnat.host.export.Int8Calibration;
import io.hilnat.host.export.ModelCard;
import io.hilnat.host.export.Precision;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.search.Limit;
import io.hilnat.host.search.Measurement;
import io.hilnat.host.search.Objective;
import io.hilnat.host.search.Archives;
import io.hilnat.host.search.RunStore;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.supernet.Supernet;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * After the last iteration: the archive's front is measured on the test set with the final weights
 * (NAT reports test accuracy only here; the search never saw the test set), and the best trade-offs are
 * exported as .tflite files that keep those weights.
 */
final class FinalStage {

  static final String TEST_ERROR = "test_error";
  /** Test error of the subnet fine-tuned alone at the end, stored at the final stage beside its inherited one. */
  static final String FINE_TUNED_TEST_ERROR = "test_error_fine_tuned";

  private FinalStage() {}

  /** Test error of the int8 export, through an agent on the raw test images. */
  static final String INT8_TEST_ERROR = "test_error_int8";

  /** Top-1 of an int8 model of {@code arch} on the test set, through an agent. */
  interface Int8Accuracy {
    double topOne(byte[] model, Architecture arch) throws Exception;
  }

  /**
   * What exported models carry: the dataset's class names, the training set's normalisation, the precision;
   * for int8 how a subnet is calibrated and how its accuracy is measured.
   */
  record Deployment(List<String> labels, float mean, float std, String data, String precision,
      java.util.function.Function<Architecture, Int8Calibration> calibration, Int8Accuracy int8Accuracy) {

    boolean int8() {
      return Precision.isInt8(precision);
    }

    /** The card of subnet {@code key}: everything the run stored for it, by name, as its measurements. */
    ModelCard card(String key, int channels, Map<String, Double> stored) {
      Map<String, Object> measured = new java.util.TreeMap<>(stored);
      measured.put("note", "values the search stored for this subnet: test_error on the test set with the final "
          + "weights (fp32, DJL), test_error_int8 of the int8 export through an agent, error on held-out training "
          + "images, latency@KIND p50 ms through that device's agent");
      ModelCard card = ModelCard.fp32("subnet " + key, "hilnat subnet " + key + " for " + data, labels, channels,
          mean, std, measured);
      return card.withPrecision(precision);
    }

    /**
     * The model file of {@code subnet} (architecture {@code arch}) as shipped, for measuring and exporting alike:
     * what the run measured goes to the sidecar only, so the file does not depend on it.
     */
    byte[] model(NetworkDescription subnet, Architecture arch, String key) {
      return DeployableModel.bytes(subnet, card(key, subnet.inputChannels(), Map.of()),
          int8() ? calibration.apply(arch) : null);
    }
  }

  /**
   * {@code testAccuracy}: a subnet's top-1 on the test set with the final weights; {@code recalibrate}: gives the
   * supernet that subnet's batch-norm statistics, which its export then carries (a resumed run may have stored the
   * test accuracy, and so skip the recalibration it does, before a crash).
   */
  static void run(RunStore store, SearchSpace space, Supernet net, ToDoubleFunction<Architecture> testAccuracy,
      Consumer<Architecture> recalibrate, List<Objective> objectives, List<Limit> limits, SearchOptions options,
      Path run, Deployment deployment, PrintWriter log) throws Exception {
    int stage = options.iterations() + 1;
    Map<String, Map<String, Double>> archive = store.archive(options.iterations());
    List<String> front = Archives.feasibleFront(archive, objectives, limits);
    if (front.isEmpty()) {
      log.printf("final: no subnet of the archive's %d is within %s: nothing is tested or exported (loosen the "
          + "constraints, or search longer)%n", archive.size(), limits);
      return;
    }
    List<String> exported = front.size() <= options.exportTop() ? front : spread(front, options.exportTop());
    Files.createDirectories(run.resolve("models"));
    log.printf("final: %d subnets on the front%s; test accuracy with the final weights, %d exported%n", front.size(),
        limits.isEmpty() ? "" : " within " + limits, exported.size());
    for (String key : front) {
      Architecture arch = ArchitectureFormat.parse(space, key);
      if (!store.hasAll(stage, key, List.of(TEST_ERROR))) {
        double accuracy = testAccuracy.applyAsDouble(arch);
        store.record(stage, key, List.of(new Measurement(TEST_ERROR, 1 - accuracy, "supernet@final", "")));
      }
      double testError = store.archive(stage).get(key).get(TEST_ERROR);
      // every front subnet's int8 accuracy, exported or not: what quantisation costs is part of the trade-off
      boolean int8Accuracy = deployment.int8() && !store.hasAll(stage, key, List.of(INT8_TEST_ERROR));
      if (int8Accuracy || exported.contains(key)) {
        recalibrate.accept(arch);
        NetworkDescription subnet = net.extract(arch);
        byte[] model = deployment.model(subnet, arch, key);
        if (int8Accuracy) {
          double accuracy = deployment.int8Accuracy().topOne(model, arch);
          store.record(stage, key, List.of(new Measurement(INT8_TEST_ERROR, 1 - accuracy, "agent:int8", "")));
        }
        if (exported.contains(key)) {
          Path file = run.resolve("models").resolve("subnet-" + key.replace(',', '-') + ".tflite");
          DeployableModel.save(file, model, subnet, deployment.card(key, subnet.inputChannels(),
              stored(store, stage, key)));
        }
      }
      String int8 = deployment.int8() ? String.format(Locale.ROOT, ", int8 %.2f %%",
          100 * (1 - store.archive(stage).get(key).get(INT8_TEST_ERROR))) : "";
      log.printf(Locale.ROOT, "  %s: test top-1 %.2f %%%s%s%n", key, 100 * (1 - testError), int8,
          exported.contains(key) ? " (exported)" : "");
      log.flush();
    }
  }

  /** Fine-tunes a subnet and returns its test accuracy and what was done (JSON: steps, seconds). */
  interface FineTuner {
    Measurement fineTune(Architecture arch) throws Exception;
  }

  /**
   * The front's subnet of lowest error, fine-tuned alone (after {@link #run}: this changes the shared weights) and
   * exported as {@code models/subnet-KEY-fine-tuned.tflite}; done once, a resumed run skips it.
   */
  static void fineTuneMostAccurate(RunStore store, SearchSpace space, Supernet net, FineTuner tuner, double minutes,
      List<Objective> objectives, List<Limit> limits, SearchOptions options, Path run, Deployment deployment,
      PrintWriter log) throws Exception {
    int stage = options.iterations() + 1;
    Objective error = objectives.stream().filter(o -> o.kind() == Objective.Kind.ERROR).findFirst().orElse(null);
    if (error == null) {
      log.println("fine-tune: skipped, top-1 error is not an objective of this search");
      return;
    }
    Map<String, Map<String, Double>> archive = store.archive(stage);
    String best = Archives.feasibleFront(store.archive(options.iterations()), objectives, limits).stream()
        .min(Comparator.comparingDouble(k -> archive.get(k).get(error.name()))).orElse(null);
    if (best == null) {
      log.println("fine-tune: skipped, no subnet is within the constraints");
      return;
    }
    if (store.hasAll(stage, best, List.of(FINE_TUNED_TEST_ERROR))) {
      return;
    }
    Architecture arch = ArchitectureFormat.parse(space, best);
    log.printf("fine-tune: %s, the front's most accurate, alone for %.1f minutes%n", best, minutes);
    log.flush();
    Measurement tuned = tuner.fineTune(arch);
    store.record(stage, best, List.of(tuned));
    var subnet = net.extract(arch);
    DeployableModel.write(fineTunedModel(run, best), subnet,
        deployment.card(best + " (fine-tuned)", subnet.inputChannels(), stored(store, stage, best)),
        deployment.int8() ? deployment.calibration().apply(arch) : null);
    log.printf(Locale.ROOT, "  %s: test top-1 %.2f %% fine-tuned (%.2f %% inherited), exported%n", best,
        100 * (1 - tuned.value()), 100 * (1 - archive.get(best).get(TEST_ERROR)));
    log.flush();
  }

  private static Map<String, Double> stored(RunStore store, int stage, String key) throws Exception {
    Map<String, Double> values = new java.util.TreeMap<>(store.archive(stage - 1).getOrDefault(key, Map.of()));
    values.putAll(store.archive(stage).getOrDefault(key, Map.of()));
    return values;
  }

  static Path fineTunedModel(Path run, String key) {
    return run.resolve("models").resolve("subnet-" + key.replace(',', '-') + "-fine-tuned.tflite");
  }

  /** {@code n} keys evenly spaced along the (sorted) front, both ends included. */
  private static List<String> spread(List<String> front, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String k = front.get((int) Math.round((double) i * (front.size() - 1) / Math.max(1, n - 1)));
      if (!out.contains(k)) {
        out.add(k);
      }
    }
    return out;
  }
}
