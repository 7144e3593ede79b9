package io.hilnat.host.supernet.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hilnat.host.data.Augmentation;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.IdxFiles;
import io.hilnat.host.data.ImageSet;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.supernet.Supernet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint keeps the trainer's own arrays: the momentum, and the contrastive projection head. */
class TrainerStateTest {

  static final SearchSpace SPACE = SearchSpaceLoader.load("tiny-mbv3");

  @TempDir Path dir;

  @Test
  void aResumedContrastiveTrainerHasTheMomentumAndHeadItWasCheckpointedWith() throws Exception {
    ImageSet set = IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "train").subset(SupernetTrainerTest.range(0, 256));
    try (NDManager manager = NDManager.newBaseManager(); Supernet net = new Supernet(SPACE, 1, 10, manager, 4)) {
      ContrastiveTrainer.Config config = new ContrastiveTrainer.Config(32, 0.05, 0.2, 32, 2, 2);
      Batches loader = new Batches(set, set);
      ContrastiveTrainer first = new ContrastiveTrainer(net, loader, Augmentation.contrastive(true), config, manager);
      SupernetTraining.run("ssl", net, first, r -> List.of(SPACE.largest(), SPACE.smallest()), dir, "test", 0, 4, 2);
      assertTrue(Files.isRegularFile(dir.resolve(TrainerState.FILE)));
      Map<String, NDArray> trained = first.state();
      assertTrue(trained.keySet().stream().anyMatch(k -> k.startsWith(TrainerState.MOMENTUM)));
      assertTrue(trained.keySet().stream().anyMatch(k -> k.startsWith(TrainerState.HEAD)));

      ContrastiveTrainer resumed = new ContrastiveTrainer(net, loader, Augmentation.contrastive(true), config, manager);
      String head = TrainerState.HEAD + "projection.hidden.weight";
      assertFalse(java.util.Arrays.equals(trained.get(head).toFloatArray(), resumed.state().get(head).toFloatArray()),
          "a new trainer starts with a head of its own");
      TrainerState.restore(resumed, dir);
      Map<String, NDArray> back = resumed.state();
      assertEquals(trained.keySet(), back.keySet());
      for (String name : trained.keySet()) {
        assertArrayEquals(trained.get(name).toFloatArray(), back.get(name).toFloatArray(), name);
      }
    }
  }
}
