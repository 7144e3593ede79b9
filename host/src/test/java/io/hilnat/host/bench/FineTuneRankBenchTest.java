package io.hilnat.host.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.DataSplit;
import io.hilnat.host.data.IdxFiles;
import io.hilnat.host.data.ImageSet;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.stats.KendallTau;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import io.hilnat.host.supernet.training.SupernetTrainer;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fine-tune-rank benchmark, tiny: a briefly trained supernet, 3 subnets, a few hundred images. */
class FineTuneRankBenchTest {

  static final SearchSpace SPACE = SearchSpaceLoader.load("tiny-mbv3");

  @Test
  void ranksSubnetsBeforeAndAfterFineTuningWithoutTouchingTheSupernet(@TempDir Path dir) throws Exception {
    ImageSet all = IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "train");
    ImageSet slice = all.subset(DataSplit.random(all.count(), 1024, 3).validation());
    try (NDManager manager = NDManager.newBaseManager(); Supernet net = new Supernet(SPACE, 1, 10, manager, 2)) {
      new SupernetTrainer(net, new Batches(slice, all), new SupernetTrainer.Config(32, 0.05, 0.9, 3e-5, 0, 0.1, 2, 1),
          manager).train(0, 24, 24, new Random(1), (s, r) -> {}, () -> true);
      SupernetCheckpoint.save(net, dir, "fashion-mnist", 24);
    }
    byte[] weights = Files.readAllBytes(dir.resolve("supernet.bin.gz"));

    ObjectNode report = FineTuneRankBench.run(dir, 3, 1, 512, 500, 4, new PrintStream(OutputStream.nullOutputStream()));
    System.out.println(report.toPrettyString());

    JsonNode rows = report.get("subnets");
    assertEquals(3, rows.size());
    assertEquals(ArchitectureFormat.key(SPACE, SPACE.smallest()), rows.get(0).get("arch").asText());
    assertEquals(ArchitectureFormat.key(SPACE, SPACE.largest()), rows.get(1).get("arch").asText());
    assertEquals(512 / 64, report.get("steps_per_subnet").asInt());
    double[] inherited = new double[3];
    double[] fineTuned = new double[3];
    for (int i = 0; i < 3; i++) {
      inherited[i] = rows.get(i).get("inherited_top1_percent").asDouble();
      fineTuned[i] = rows.get(i).get("fine_tuned_top1_percent").asDouble();
      assertTrue(inherited[i] >= 0 && inherited[i] <= 100 && fineTuned[i] >= 0 && fineTuned[i] <= 100);
      assertTrue(rows.get(i).get("subnet_s").asDouble() >= rows.get(i).get("fine_tune_s").asDouble());
    }
    assertTrue(inherited[1] > 25, "24 sandwich steps lift the largest subnet above chance: " + inherited[1]);
    assertTrue(fineTuned[0] >= inherited[0] - 5, "one epoch of fine-tuning keeps the smallest subnet's accuracy: "
        + inherited[0] + " -> " + fineTuned[0]);
    double tau = report.get("kendall_tau").asDouble();
    assertEquals(KendallTau.of(inherited, fineTuned), tau, 1e-12);
    assertTrue(tau >= -1 && tau <= 1);
    assertArrayEquals(weights, Files.readAllBytes(dir.resolve("supernet.bin.gz")), "the supernet is never written");
  }
}
