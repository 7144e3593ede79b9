package io.hilnat.host.supernet.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.IdxFiles;
import io.hilnat.host.data.ImageSet;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A time-budgeted run whose steps become several times slower right after the steps it was sized from: re-sized as
 * it goes, it ends far short of its first length, and its learning-rate schedule still ends at the step it reached.
 */
class SupernetTrainingTest {

  @TempDir Path dir;

  @Test
  void aRunThatSlowsDownAfterItsSizingIsResizedToItsBudget() throws Exception {
    SearchSpace space = SearchSpaceLoader.load("src/test/resources/spaces/micro.yaml");
    ImageSet images = IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "train").subset(SupernetTrainerTest.range(0, 512));
    Batches train = new Batches(images, images);
    try (NDManager manager = NDManager.newBaseManager(); Supernet net = new Supernet(space, 1, 10, manager, 3)) {
      SupernetTrainer real = new SupernetTrainer(net, train, new SupernetTrainer.Config(16, 0.05, 0.9, 3e-5, 0, 0.1,
          SupernetTraining.TIMING_STEPS, 1), manager);
      List<long[]> steps = new ArrayList<>(); // {step, schedule length} of every step trained
      Trainer slowingDown = (first, count, total, random, subnets, onStep, keepGoing) ->
          real.train(first, count, total, random, subnets, (i, r) -> {
            steps.add(new long[] {i, total});
            if (i >= SupernetTraining.TIMING_STEPS) {
              sleep(100); // the pace measured on the first steps no longer holds
            }
            onStep.accept(i, r);
          }, keepGoing);
      Function<Random, List<Architecture>> largest = random -> List.of(space.largest());
      List<Long> lengths = new ArrayList<>();

      long reached = SupernetTraining.runFor("test", net, slowingDown, largest, dir, "fashion-mnist", 0, 6, 100,
          lengths::add);

      System.out.printf("sized to %d steps at the first steps' pace; re-sized %s; reached %d%n", lengths.get(0),
          lengths.subList(1, lengths.size()), reached);
      assertTrue(lengths.size() >= 2, "re-sized at least once: " + lengths);
      assertTrue(reached < lengths.get(0) / 2, "ended well short of the first length: " + reached + " of " + lengths);
      assertEquals(reached, steps.size(), "every step trained once");
      long[] last = steps.get(steps.size() - 1);
      assertEquals(reached - 1, last[0]);
      assertEquals(reached, last[1], "the last step's schedule ends where the run ended, so its rate annealed");
      assertEquals(reached, lengths.get(lengths.size() - 1), "the last length told is the one reached");
      assertEquals(reached, SupernetCheckpoint.metadata(dir).get("steps").asLong(), "checkpointed at the end");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
