package io.hilnat.host.supernet.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.hilnat.host.data.Augmentation;
import io.hilnat.host.data.BatchLoader;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.IdxFiles;
import io.hilnat.host.data.ImageSet;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.supernet.KnnProbe;
import io.hilnat.host.supernet.SubnetEvaluator;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.elastic.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Contrastive (label-free) supernet training on real Fashion-MNIST, and the k-NN probe that scores it. */
class ContrastiveTrainerTest {

  static final SearchSpace SPACE = SearchSpaceLoader.load("tiny-mbv3");

  @Test
  void infoNceRewardsMatchingViews() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray z = m.eye(4).mul(5f);
      double matched = ContrastiveTrainer.infoNce(z, z, 0.1).getFloat();
      NDArray shuffled = m.create(new float[] {0, 0, 5, 0, 0, 0, 0, 5, 5, 0, 0, 0, 0, 5, 0, 0}, new Shape(4, 4));
      double mismatched = ContrastiveTrainer.infoNce(z, shuffled, 0.1).getFloat();
      assertTrue(matched < 0.01, "identical views: " + matched);
      assertTrue(mismatched > 5, "views paired with other images: " + mismatched);
      // all-equal features: every one of the 2N-1 others is as likely, so the loss is log(2N-1)
      NDArray flat = m.ones(new Shape(4, 3));
      assertEquals(Math.log(7), ContrastiveTrainer.infoNce(flat, flat, 0.5).getFloat(), 1e-4);
    }
  }

  @Test
  void contrastiveTrainingLowersTheLossWithoutLabelsAndKnnScoresIt() {
    ImageSet all = IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "train");
    ImageSet set = all.subset(SupernetTrainerTest.range(0, 1024));
    try (NDManager manager = NDManager.newBaseManager(); Supernet net = new Supernet(SPACE, 1, 10, manager, 4)) {
      ContrastiveTrainer trainer = new ContrastiveTrainer(net, new Batches(set, set), Augmentation.contrastive(true),
          new ContrastiveTrainer.Config(32, 0.05, 0.2, 32, 3, 2), manager);
      List<Double> losses = new ArrayList<>();
      trainer.train(0, 40, 40, new Random(3), r -> List.of(SPACE.largest(), SPACE.smallest()),
          (s, r) -> losses.add(r.loss()), () -> true);
      double first = losses.subList(0, 8).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double last = losses.subList(32, 40).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      System.out.printf("contrastive loss over 40 steps: %.3f -> %.3f%n", first, last);
      assertTrue(Double.isFinite(last) && last < 0.95 * first, "loss " + first + " -> " + last);

      Batches labelled = new Batches(set.subset(SupernetTrainerTest.range(0, 200)), set);
      Batches queries = new Batches(all.subset(SupernetTrainerTest.range(2000, 2300)), set);
      KnnProbe knn = new KnnProbe(new SubnetEvaluator(new Batches(set, set), 256, 128, manager), 5, 100, manager);
      double leaveOneOut = knn.accuracy(net, SPACE.largest(), labelled, labelled);
      double heldOut = knn.accuracy(net, SPACE.largest(), labelled, queries);
      System.out.printf("5-NN over 200 labelled images: leave-one-out %.3f, held-out %.3f%n", leaveOneOut, heldOut);
      assertTrue(leaveOneOut > 0.3 && heldOut > 0.3, "well above chance (0.1)");
    }
  }

  /**
   * The step back-propagates one view at a time (GradCache): its gradients must be those of back-propagating the
   * loss through both views at once.
   */
  @Test
  void oneViewAtATimeGivesTheGradientsOfBothAtOnce() {
    ImageSet set = IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "train").subset(SupernetTrainerTest.range(0, 64));
    try (NDManager manager = NDManager.newBaseManager(); Supernet net = new Supernet(SPACE, 1, 10, manager, 4)) {
      ContrastiveTrainer trainer = new ContrastiveTrainer(net, new Batches(set, set), Augmentation.contrastive(true),
          new ContrastiveTrainer.Config(16, 0.05, 0.2, 32, 3, 2), manager);
      Architecture arch = SPACE.largest();
      int[] indices = SupernetTrainerTest.range(0, 16);
      Map<String, NDArray> parameters = net.namedParameters(List.of(arch));
      BatchLoader.Pair views = new Batches(set, set).pair(manager, indices, arch.resolution(),
          Augmentation.contrastive(true), 5);
      try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
        collector.backward(ContrastiveTrainer.infoNce(trainer.project(net.features(arch, views.first(), true)),
            trainer.project(net.features(arch, views.second(), true)), 0.2));
      }
      Map<String, float[]> together = new TreeMap<>();
      parameters.forEach((name, p) -> together.put(name, p.getGradient().toFloatArray()));
      parameters.values().forEach(Weights::zeroGradient);

      trainer.accumulateGradients(arch, views);
      double largest = 0;
      for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
        float[] expected = together.get(e.getKey());
        float[] actual = e.getValue().getGradient().toFloatArray();
        for (int i = 0; i < expected.length; i++) {
          largest = Math.max(largest, Math.abs(expected[i]));
          assertEquals(expected[i], actual[i], 1e-5 + 1e-3 * Math.abs(expected[i]), e.getKey() + "[" + i + "]");
        }
      }
      assertTrue(largest > 1e-4, "the gradients are not all zero: " + largest);
    }
  }
}
