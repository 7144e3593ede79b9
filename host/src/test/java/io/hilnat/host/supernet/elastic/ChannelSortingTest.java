package io.hilnat.host.supernet.elastic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.ImageSet;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.supernet.BatchNormCalibration;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.training.NesterovSgd;
import io.hilnat.host.supernet.training.SupernetTrainer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OFA's channel sorting: same largest subnet, most important channels first, momentum in step. */
class ChannelSortingTest {

  static final SearchSpace SPACE = SearchSpaceLoader.load("tiny-mbv3");
  /** The largest subnet but with the smallest expand ratio everywhere. */
  static final Architecture NARROW = SPACE.uniform(SPACE.maxResolution(), SPACE.maxWidth(), SPACE.maxDepth(),
      SPACE.maxKernel(), SPACE.expandRatios().get(0));
  static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /**
   * A supernet whose batch norms, biases and running statistics differ per channel (at initialisation
   * they are all alike, and a wrong permutation of them would go unnoticed).
   */
  static Supernet varied(long seed) {
    Supernet net = new Supernet(SPACE, 1, 10, manager, seed);
    for (NDArray p : net.namedParameters().values()) {
      if (p.getShape().dimension() == 1) {
        try (NDManager scope = manager.newSubManager()) {
          p.set(new NDIndex(":"), scope.randomUniform(0.5f, 1.5f, p.getShape()));
        }
      }
    }
    try (NDManager scope = manager.newSubManager()) {
      NDArray images = scope.randomUniform(0, 1, new Shape(8, 1, 28, 28));
      BatchNormCalibration.recalibrate(net, SPACE.largest(), (i, r) -> i == 0 ? images : null);
    }
    return net;
  }

  static float[] logits(Supernet net, Architecture arch, long seed) {
    try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
      step.getEngine().setRandomSeed((int) seed);
      NDArray images = step.randomUniform(0, 1, new Shape(4, 1, arch.resolution(), arch.resolution()));
      return net.forward(arch, images, false).toFloatArray();
    }
  }

  static double maxAbsDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  static void assertNonIncreasing(float[] importance, String what) {
    for (int i = 1; i < importance.length; i++) {
      assertTrue(importance[i] <= importance[i - 1], what + ": channel " + i + " " + importance[i] + " > "
          + importance[i - 1]);
    }
  }

  @Test
  void largestSubnetIsUnchangedWhileSmallerExpandRatiosKeepTheMostImportantChannels() {
    try (Supernet net = varied(3)) {
      float[] largestBefore = logits(net, SPACE.largest(), 1);
      float[] narrowBefore = logits(net, NARROW, 1);
      List<AxisPermutation> done = net.sortChannels();
      assertTrue(done.stream().anyMatch(p -> p.name().endsWith(".se.reduce.bias")), "squeeze-excite sorted too");
      double largest = maxAbsDifference(largestBefore, logits(net, SPACE.largest(), 1));
      double narrow = maxAbsDifference(narrowBefore, logits(net, NARROW, 1));
      System.out.printf("after sorting, logits moved by %.2e (largest), %.2e (smallest expand)%n", largest, narrow);
      assertTrue(largest < 1e-4, "largest subnet's logits moved by " + largest);
      assertTrue(narrow > 1e-2, "the smallest expand ratio should now use other channels: " + narrow);
      int sorted = 0;
      for (Map.Entry<String, NDArray> e : net.namedParameters().entrySet()) {
        if (e.getKey().startsWith("stage") && e.getKey().endsWith(".project.weight")) {
          assertNonIncreasing(AxisPermutation.l1Norms(e.getValue(), 1), e.getKey());
          sorted++;
        } else if (e.getKey().endsWith(".se.expand.weight")) {
          assertNonIncreasing(AxisPermutation.l1Norms(e.getValue(), 1), e.getKey());
        }
      }
      assertEquals(SPACE.stages().size() * SPACE.maxDepth(), sorted);
    }
  }

  @Test
  void sortingASortedSupernetChangesNothing() {
    try (Supernet net = varied(4)) {
      net.sortChannels();
      for (AxisPermutation p : net.sortChannels()) {
        for (int i = 0; i < p.order().length; i++) {
          assertEquals(i, p.order()[i], p.name());
        }
      }
    }
  }

  @Test
  void permutationMovesSlicesAlongTheAxis() {
    try (NDManager scope = manager.newSubManager()) {
      NDArray a = scope.arange(0f, 12f).reshape(2, 3, 2);
      new AxisPermutation("a", 1, new int[] {2, 0, 1}).apply(a);
      assertArrayEquals(new float[] {4, 5, 0, 1, 2, 3, 10, 11, 6, 7, 8, 9}, a.toFloatArray());
      float[] norms = AxisPermutation.l1Norms(a, 1);
      assertArrayEquals(new float[] {30, 14, 22}, norms);
      assertArrayEquals(new int[] {0, 2, 1}, AxisPermutation.descending(norms));
    }
  }

  /**
   * Momentum that follows the permutation: an optimiser whose parameter and momentum were permuted between
   * steps ends where the unpermuted one ends, permuted (with a reset or stale momentum it would not).
   */
  @Test
  void momentumFollowsThePermutation() {
    AxisPermutation swap = new AxisPermutation("w", 0, new int[] {2, 0, 1});
    float[][] results = new float[2][];
    for (int run = 0; run < 2; run++) {
      try (NDManager scope = manager.newSubManager()) {
        NDArray w = scope.create(new float[] {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f}, new Shape(3, 2));
        NDArray target = scope.create(new float[] {0.3f, 0.1f, -0.2f, 0.5f, 0.2f, -0.4f}, new Shape(3, 2));
        w.setRequiresGradient(true);
        Weights.zeroGradient(w);
        NesterovSgd sgd = new NesterovSgd(0.9, 0.01, scope);
        for (int step = 0; step < 4; step++) {
          if (run == 1 && step == 2) {
            swap.apply(w);
            swap.apply(target);
            sgd.permute(swap);
          }
          try (NDScope s = new NDScope(); GradientCollector collector = scope.getEngine().newGradientCollector()) {
            collector.backward(w.sub(target).square().sum());
          }
          sgd.step(Map.of("w", w), 0.1);
        }
        if (run == 0) {
          swap.apply(w);
        }
        results[run] = w.toFloatArray();
      }
    }
    assertArrayEquals(results[0], results[1], 1e-7f);
  }

  /** Sorting every 2 steps inside the training loop: the largest subnet goes on as without sorting. */
  @Test
  void trainerSortsOnSchedule() {
    Random random = new Random(5);
    byte[] pixels = new byte[32 * 28 * 28];
    random.nextBytes(pixels);
    ImageSet images = new ImageSet(pixels, random.ints(32, 0, 10).toArray(), 1, 28, 10);
    Batches batches = new Batches(images, images);
    float[][] largest = new float[2][];
    float[][] narrow = new float[2][];
    for (int run = 0; run < 2; run++) {
      try (Supernet net = varied(6)) {
        SupernetTrainer trainer = new SupernetTrainer(net, batches,
            new SupernetTrainer.Config(8, 0.01, 0.9, 3e-5, 0, 0.1, 1, 1, run == 0 ? 0 : 2, true), manager);
        manager.getEngine().setRandomSeed(9); // the same dropout masks in both runs
        trainer.train(0, 3, 3, new Random(2), r -> List.of(SPACE.largest()), (s, r) -> {}, () -> true);
        largest[run] = logits(net, SPACE.largest(), 1);
        narrow[run] = logits(net, NARROW, 1);
      }
    }
    double sameLargest = maxAbsDifference(largest[0], largest[1]);
    double otherNarrow = maxAbsDifference(narrow[0], narrow[1]);
    System.out.printf("sorted at step 2 vs never: largest %.2e, smallest expand %.2e%n", sameLargest, otherNarrow);
    assertTrue(otherNarrow > 1e-2, "the trainer sorted: " + otherNarrow);
    // float sums in another channel order drift a little; a wrong permutation moves logits by tenths
    assertTrue(sameLargest < 0.01 * otherNarrow, "largest subnet, sorted at step 2 or not: " + sameLargest);
  }
}
