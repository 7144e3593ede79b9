package io.hilnat.host.supernet.training;

import static io.hilnat.host.supernet.training.SupernetTrainerTest.SPACE;
import static io.hilnat.host.supernet.training.SupernetTrainerTest.range;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.IdxFiles;
import io.hilnat.host.data.ImageSet;
import io.hilnat.host.net.DjlForward;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.supernet.Supernet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel training's arithmetic, with two replicas on the CPU standing in for two GPUs (CI has none): the same
 * code moves gradients and weights between devices, here between two copies on one.
 */
class DataParallelTest {

  private static final List<Device> TWO = List.of(Device.cpu(), Device.cpu());
  static NDManager manager;
  static Batches train;

  @BeforeAll
  static void load() {
    manager = NDManager.newBaseManager(Device.cpu());
    ImageSet images = IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "train").subset(range(0, 1024));
    train = new Batches(images, images);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void aBatchSharedByTwoReplicasGivesTheGradientsOfItsShardsWeightedBySize() {
    List<Architecture> archs = List.of(SPACE.largest(), SPACE.smallest(), SPACE.sample(new Random(3)));
    int[] order = range(100, 131); // 31 images: shards of 16 and 15
    int[][] shards = {{0, 16}, {16, 15}};
    try (Supernet net = new Supernet(SPACE, 1, 10, manager, 13); NDManager step = manager.newSubManager()) {
      SupernetTrainer trainer = new SupernetTrainer(net, train,
          new SupernetTrainer.Config(31, 0.05, 0.9, 3e-5, 1, 0.1, 1, 1, 0, false), manager, TWO);
      net.zeroGradients();
      manager.getEngine().setRandomSeed(5); // the same dropout masks both ways: drawn subnet by subnet, shard by shard
      double loss = trainer.backward(archs, order, 0, 31, 0, step);
      Map<String, float[]> parallel = gradients(net);

      // reference: one supernet computes every shard; each subnet's loss is the shards' mean losses by their share
      net.zeroGradients();
      manager.getEngine().setRandomSeed(5);
      double total = 0;
      NDArray[] teachers = new NDArray[2];
      try (GradientCollector collector = step.getEngine().newGradientCollector()) {
        for (Architecture arch : archs) {
          NDArray subnetLoss = null;
          for (int s = 0; s < 2; s++) {
            int from = shards[s][0];
            int size = shards[s][1];
            NDArray logProbs = net.forward(arch, train.images(step, order, from, size, arch.resolution(), null), true)
                .logSoftmax(1);
            NDArray labels = train.labels(step, order, from, size).toType(DataType.INT64, false);
            NDArray target = teachers[s] != null ? teachers[s] : labels.oneHot(10).mul(0.9).add(0.01);
            teachers[s] = teachers[s] != null ? teachers[s] : logProbs.exp().stopGradient();
            NDArray shardLoss = target.mul(logProbs).sum(new int[] {1}).mean().neg();
            // an operand PyTorch owns: DJL's Java-number operands can be freed before backward reads them
            shardLoss = shardLoss.mul(DjlForward.scalar(shardLoss, (float) size / 31));
            subnetLoss = subnetLoss == null ? shardLoss : subnetLoss.add(shardLoss);
          }
          collector.backward(subnetLoss);
          total += subnetLoss.getFloat();
        }
      }
      assertEquals(total, loss, 1e-4, "summed loss");
      Map<String, float[]> reference = gradients(net);
      assertEquals(reference.keySet(), parallel.keySet());
      double largest = 0;
      for (Map.Entry<String, float[]> e : reference.entrySet()) {
        float[] a = e.getValue();
        float[] b = parallel.get(e.getKey());
        for (int i = 0; i < a.length; i++) {
          largest = Math.max(largest, Math.abs(a[i]));
          assertEquals(a[i], b[i], 1e-5 + 1e-3 * Math.abs(a[i]), e.getKey() + "[" + i + "]");
        }
      }
      assertTrue(largest > 1e-3, "the step has gradients to compare: " + largest);
    }
  }

  @Test
  void replicasHandTheirGradientsOnAndTakeTheUpdatedWeights() {
    try (Supernet net = new Supernet(SPACE, 1, 10, manager, 17); NDManager scope = manager.newSubManager()) {
      DataParallel devices = new DataParallel(net, TWO, scope);
      Supernet replica = devices.replica(1);
      assertArrayEquals(net.values("stage1.layer1.depthwise.weight"), replica.values("stage1.layer1.depthwise.weight"),
          "a replica starts as a copy");
      List<String> names = new ArrayList<>(net.namedParameters().keySet());
      String name = names.get(0);
      try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
        // PyTorch allocates a gradient at the first backward that reaches it
        collector.backward(net.namedParameters().get(name).sum().add(replica.namedParameters().get(name).sum()));
      }
      try (NDArray main = net.namedParameters().get(name).getGradient();
          NDArray copy = replica.namedParameters().get(name).getGradient()) {
        main.set(new ai.djl.ndarray.index.NDIndex(":"), 1f);
        copy.set(new ai.djl.ndarray.index.NDIndex(":"), 2f);
        devices.gatherGradients(List.of(name));
        assertTrue(main.eq(3f).all().getBoolean(), "the replica's gradient is added to the supernet's");
        assertTrue(copy.eq(0f).all().getBoolean(), "and the replica's is cleared for the next step");
      }
      float[] moved = net.values(name).clone();
      java.util.Arrays.fill(moved, 0.25f);
      net.assign(name, moved);
      float[] statistics = net.values("stem.bn.running_var").clone();
      java.util.Arrays.fill(statistics, 3f);
      net.assign("stem.bn.running_var", statistics);
      devices.broadcast(List.of(name));
      assertArrayEquals(moved, replica.values(name), "a broadcast parameter");
      assertEquals(1f, replica.values("stem.bn.running_var")[0], "what was not named stays");
      devices.broadcast(null);
      assertArrayEquals(statistics, replica.values("stem.bn.running_var"), "everything, statistics too");
    }
  }

  @Test
  void dataParallelTrainingLearnsFashionMnist() {
    try (Supernet net = new Supernet(SPACE, 1, 10, manager, 19)) {
      SupernetTrainer trainer = new SupernetTrainer(net, train,
          new SupernetTrainer.Config(32, 0.05, 0.9, 3e-5, 1, 0.1, 5, 3), manager, TWO);
      List<Double> losses = new ArrayList<>();
      trainer.train(0, 48, 48, new Random(1), (s, r) -> losses.add(r.loss()), () -> true);
      double first = losses.subList(0, 8).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double last = losses.subList(40, 48).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      assertTrue(Double.isFinite(last) && last < 0.9 * first, "loss " + first + " -> " + last);
    }
  }

  private static Map<String, float[]> gradients(Supernet net) {
    Map<String, float[]> all = new TreeMap<>();
    net.namedParameters().forEach((name, p) -> all.put(name, p.getGradient().toFloatArray()));
    return all;
  }
}
