package io.hilnat.host.bench;

import io.hilnat.host.engine.ComputeDevice;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.DataSplit;
import io.hilnat.host.data.Datasets;
import io.hilnat.host.data.ImageSet;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.stats.KendallTau;
import io.hilnat.host.supernet.SubnetEvaluator;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import io.hilnat.host.supernet.training.SubnetFineTuning;
import io.hilnat.host.supernet.training.SupernetTrainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Does accuracy with inherited weights, which the search ranks subnets by, rank them as fine-tuning does?
 * For N subnets (smallest, largest, then seeded random ones): test top-1 with inherited weights (batch norms
 * recalibrated), test top-1 after fine-tuning that subnet alone from those weights, and Kendall τ between
 * the two. Each subnet starts from the saved supernet, which is never written.
 */
public final class FineTuneRankBench {

  private static final int BATCH = SubnetFineTuning.BATCH;
  private static final int CALIBRATION_IMAGES = 960;

  private FineTuneRankBench() {}

  /** {@code trainImages}, {@code testImages}: seeded random subsets of so many images (at most all). */
  public static ObjectNode run(Path supernetDir, int subnets, int epochs, int trainImages, int testImages, long seed,
      PrintStream progress) throws Exception {
    String data = SupernetCheckpoint.metadata(supernetDir).get("data").asText();
    Datasets.Splits splits = Datasets.load(data);
    Batches train = new Batches(randomSubset(splits.train(), trainImages, seed), splits.train());
    Batches test = new Batches(randomSubset(splits.test(), testImages, seed + 1), splits.train());
    int n = train.set().count();
    int steps = epochs * Math.max(1, n / Math.min(BATCH, n));
    ObjectNode report = new ObjectMapper().createObjectNode().put("benchmark", "fine-tune-rank")
        .put("supernet", supernetDir.toString()).put("data", data).put("epochs", epochs).put("train_images", n)
        .put("test_images", test.set().count()).put("steps_per_subnet", steps).put("batch", BATCH)
        .put("learning_rate", SubnetFineTuning.LEARNING_RATE).put("seed", seed);
    Machine.describe(report.putObject("machine"));
    ArrayNode rows = report.putArray("subnets");
    double[] inherited = new double[subnets];
    double[] fineTuned = new double[subnets];
    double seconds = 0;
    try (NDManager manager = ComputeDevice.newManager()) {
      List<Architecture> archs;
      try (Supernet probe = SupernetCheckpoint.load(supernetDir, manager)) {
        archs = subnets(probe.space(), subnets, seed);
      }
      for (int i = 0; i < archs.size(); i++) {
        Architecture arch = archs.get(i);
        long start = System.nanoTime();
        try (NDManager scope = manager.newSubManager(); Supernet net = SupernetCheckpoint.load(supernetDir, scope)) {
          SubnetEvaluator evaluator = new SubnetEvaluator(train, CALIBRATION_IMAGES, 200, scope);
          inherited[i] = evaluator.accuracy(net, arch, test);
          long tuneStart = System.nanoTime();
          SupernetTrainer trainer = SubnetFineTuning.trainer(net, train, Math.max(1, steps / 20), seed, true, scope);
          trainer.train(0, steps, steps, new Random(seed), random -> List.of(arch), (s, r) -> {}, () -> true);
          double tuneSeconds = (System.nanoTime() - tuneStart) / 1e9;
          fineTuned[i] = evaluator.accuracy(net, arch, test);
          double subnetSeconds = (System.nanoTime() - start) / 1e9;
          seconds += subnetSeconds;
          rows.addObject().put("arch", ArchitectureFormat.key(net.space(), arch))
              .put("inherited_top1_percent", 100 * inherited[i]).put("fine_tuned_top1_percent", 100 * fineTuned[i])
              .put("fine_tune_s", tuneSeconds).put("subnet_s", subnetSeconds);
          progress.printf(Locale.ROOT, "subnet %d/%d: %.2f %% inherited, %.2f %% fine-tuned (%.0f s)%n", i + 1,
              archs.size(), 100 * inherited[i], 100 * fineTuned[i], subnetSeconds);
        }
      }
    }
    report.put("kendall_tau", KendallTau.of(inherited, fineTuned)).put("seconds_per_subnet", seconds / subnets)
        .put("goal", "kendall_tau >= 0.5 for 20 subnets after 1 epoch");
    return report;
  }

  /** Smallest, largest, then distinct random subnets. */
  static List<Architecture> subnets(SearchSpace space, int count, long seed) {
    if (count < 2) {
      throw new IllegalArgumentException("need at least 2 subnets (smallest and largest), got " + count);
    }
    return space.distinctSamples(count, new Random(seed), List.of(space.smallest(), space.largest()));
  }

  private static ImageSet randomSubset(ImageSet set, int count, long seed) {
    return count >= set.count() ? set : set.subset(DataSplit.random(set.count(), count, seed).validation());
  }
}
