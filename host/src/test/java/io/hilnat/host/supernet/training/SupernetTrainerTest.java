package io.hilnat.host.supernet.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.IdxFiles;
import io.hilnat.host.data.ImageSet;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.supernet.SubnetEvaluator;
import io.hilnat.host.supernet.Supernet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sandwich training on real Fashion-MNIST (a slice of it, so the test stays short). */
class SupernetTrainerTest {

  static final SearchSpace SPACE = SearchSpaceLoader.load("tiny-mbv3");
  static NDManager manager;
  static Batches train;
  static Batches test;

  @BeforeAll
  static void load() {
    manager = NDManager.newBaseManager();
    ImageSet all = IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "train");
    ImageSet trainSet = all.subset(range(0, 2048));
    train = new Batches(trainSet, trainSet);
    test = new Batches(IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "t10k").subset(range(0, 512)), trainSet);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) {
      r[i] = from + i;
    }
    return r;
  }

  @Test
  void sandwichTrainingLearnsFashionMnist() {
    try (Supernet net = new Supernet(SPACE, 1, 10, manager, 7)) {
      SupernetTrainer trainer = new SupernetTrainer(net, train,
          new SupernetTrainer.Config(32, 0.05, 0.9, 3e-5, 1, 0.1, 5, 3), manager);
      List<Double> losses = new ArrayList<>();
      trainer.train(0, 64, 64, new Random(1), (s, r) -> losses.add(r.loss()), () -> true);
      double first = losses.subList(0, 8).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double last = losses.subList(56, 64).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      System.out.printf("sandwich loss over 64 steps: %.3f -> %.3f%n", first, last);
      assertTrue(Double.isFinite(last) && last < 0.9 * first, "loss " + first + " -> " + last);
      SubnetEvaluator evaluator = new SubnetEvaluator(train, 256, 128, manager);
      double largest = evaluator.accuracy(net, SPACE.largest(), test);
      double smallest = evaluator.accuracy(net, SPACE.smallest(), test);
      System.out.printf("after 64 steps on 2048 images: largest %.3f, smallest %.3f%n", largest, smallest);
      assertTrue(largest > 0.3 && smallest > 0.3, "well above chance (0.1): " + largest + " / " + smallest);
    }
  }

  @Test
  void augmentationCanBeSwitchedOff() {
    assertTrue(Math.abs(firstStepLoss(true, 1) - firstStepLoss(true, 2)) > 1e-4,
        "augmented: another augmentation seed shifts other images");
    assertEquals(firstStepLoss(false, 1), firstStepLoss(false, 2), 1e-6, "unaugmented: the seed changes nothing");
  }

  /** The loss of one step of a fresh supernet, the dropout masks fixed, the images shifted by {@code augmentSeed}. */
  private static double firstStepLoss(boolean augment, long augmentSeed) {
    try (Supernet net = new Supernet(SPACE, 1, 10, manager, 11)) {
      SupernetTrainer trainer = new SupernetTrainer(net, train,
          new SupernetTrainer.Config(32, 0.05, 0.9, 3e-5, 0, 0.1, 1, 1, 0, augment), manager);
      manager.getEngine().setRandomSeed(5);
      return trainer.step(List.of(SPACE.largest(), SPACE.smallest()), range(0, 32), 0, 32, 0.05, augmentSeed).loss();
    }
  }

  @Test
  void backpropagatingSubnetBySubnetGivesTheGradientsOfTheSummedLoss() throws Exception {
    List<Architecture> archs = List.of(SPACE.largest(), SPACE.smallest(), SPACE.sample(new Random(3)));
    int[] order = range(0, 32);
    try (Supernet net = new Supernet(SPACE, 1, 10, manager, 13); NDManager step = manager.newSubManager()) {
      SupernetTrainer trainer = new SupernetTrainer(net, train,
          new SupernetTrainer.Config(32, 0.05, 0.9, 3e-5, 1, 0.1, 1, 1, 0, false), manager);
      net.zeroGradients();
      manager.getEngine().setRandomSeed(5); // the same dropout masks both ways
      double loss = trainer.backward(archs, order, 0, 32, 0, step);
      Map<String, float[]> bySubnet = gradients(net);

      // reference: the subnets' losses summed (the largest's labels smoothed, the others distilled), one backward
      net.zeroGradients();
      manager.getEngine().setRandomSeed(5);
      NDArray labels = train.labels(step, order, 0, 32).toType(DataType.INT64, false);
      NDArray total = null;
      try (GradientCollector collector = step.getEngine().newGradientCollector()) {
        NDArray teacher = null;
        for (Architecture arch : archs) {
          NDArray logProbs = net.forward(arch, train.images(step, order, 0, 32, arch.resolution(), null), true)
              .logSoftmax(1);
          NDArray target = teacher != null ? teacher : labels.oneHot(10).mul(0.9).add(0.01);
          teacher = teacher != null ? teacher : logProbs.exp().stopGradient();
          NDArray subnetLoss = target.mul(logProbs).sum(new int[] {1}).mean().neg();
          total = total == null ? subnetLoss : total.add(subnetLoss);
        }
        collector.backward(total);
      }
      assertEquals(total.getFloat(), loss, 1e-4, "summed loss");
      Map<String, float[]> joint = gradients(net);
      assertEquals(joint.keySet(), bySubnet.keySet());
      double largestGradient = 0;
      for (Map.Entry<String, float[]> e : joint.entrySet()) {
        float[] a = e.getValue();
        float[] b = bySubnet.get(e.getKey());
        for (int i = 0; i < a.length; i++) {
          largestGradient = Math.max(largestGradient, Math.abs(a[i]));
          assertEquals(a[i], b[i], 1e-5 + 1e-3 * Math.abs(a[i]), e.getKey() + "[" + i + "]");
        }
      }
      assertTrue(largestGradient > 1e-3, "the step has gradients to compare: " + largestGradient);
    }
  }

  private static Map<String, float[]> gradients(Supernet net) {
    Map<String, float[]> all = new TreeMap<>();
    net.namedParameters().forEach((name, p) -> all.put(name, p.getGradient().toFloatArray()));
    return all;
  }

  @Test
  void memoryStaysFlatOverManySteps() {
    ImageSet tiny = train.set().subset(range(0, 256));
    Batches small = new Batches(tiny, tiny);
    try (Supernet net = new Supernet(SPACE, 1, 10, manager, 8)) {
      SupernetTrainer trainer = new SupernetTrainer(net, small,
          new SupernetTrainer.Config(8, 0.01, 0.9, 3e-5, 1, 0.1, 1, 1), manager);
      int[] arrays = new int[2];
      // the same subnets every step: a step creates momentum for the parameters it first touches, which is not a leak
      List<Architecture> sandwich = trainer.sandwich(new Random(2));
      trainer.train(0, 150, 150, new Random(2), random -> sandwich, (s, r) -> {
        if (s == 20) {
          arrays[0] = manager.getManagedArrays().size() + countAll(manager);
        } else if (s == 149) {
          arrays[1] = manager.getManagedArrays().size() + countAll(manager);
        }
      }, () -> true);
      assertEquals(arrays[0], arrays[1], "live arrays after step 20 and step 150");
    }
  }

  private static int countAll(NDManager m) {
    int n = 0;
    for (var resource : m.getManagedArrays()) {
      n++;
    }
    return n;
  }
}
