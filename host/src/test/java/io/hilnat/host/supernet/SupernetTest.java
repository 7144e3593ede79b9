package io.hilnat.host.supernet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.hilnat.host.net.DjlForward;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.Layer;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.supernet.elastic.DynamicMBConv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupernetTest {

  static final SearchSpace SPACE = SearchSpaceLoader.load("small-mbv3");
  static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static float[] logits(Supernet net, Architecture arch, NDArray images) {
    try (NDScope scope = new NDScope()) {
      return net.forward(arch, images, false).toFloatArray();
    }
  }

  @Test
  void extractedSubnetsComputeWhatTheSupernetComputes() {
    try (Supernet net = new Supernet(SPACE, 1, 10, manager, 1)) {
      Random random = new Random(4);
      List<Architecture> archs = new ArrayList<>(List.of(SPACE.smallest(), SPACE.largest()));
      for (int i = 0; i < 4; i++) {
        archs.add(SPACE.sample(random));
      }
      for (Architecture arch : archs) {
        try (NDManager scope = manager.newSubManager()) {
          NDArray images = scope.randomUniform(0, 1, new Shape(2, 1, arch.resolution(), arch.resolution()));
          float[] supernet = logits(net, arch, images);
          NetworkDescription standalone = net.extract(arch);
          float[] extracted = DjlForward.forward(standalone, images).toFloatArray();
          assertEquals(20, supernet.length);
          for (int i = 0; i < supernet.length; i++) {
            assertEquals(supernet[i], extracted[i], 1e-4, "logit " + i + " of " + arch);
          }
        }
      }
    }
  }

  /** Stage 1 at depth 2 with kernel 5 and expand 3 in its first layer. */
  static Architecture probe() {
    List<List<Layer>> stages = new ArrayList<>(SPACE.largest().stages());
    stages.set(0, List.of(new Layer(5, 3), new Layer(3, 3)));
    return new Architecture(28, 1.0, stages);
  }

  @Test
  void gradientsReachTheSharedKernelAndTransformsAndNothingInactive() {
    try (Supernet net = new Supernet(SPACE, 1, 10, manager, 2); NDManager step = manager.newSubManager();
        NDScope scope = new NDScope()) {
      Architecture arch = probe();
      NDArray images = step.randomUniform(0, 1, new Shape(4, 1, 28, 28));
      try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
        collector.backward(net.forward(arch, images, true).square().sum());
      }
      DynamicMBConv layer = net.layer(0, 0);
      int in = 16; // first block output at width 1.0
      int mid = 48; // 16 * 3
      NDArray shared = layer.depthwise.sharedWeight().getGradient();
      NDArray centre = shared.get(new NDIndex(":" + mid + ", :, 1:6, 1:6"));
      assertTrue(centre.abs().sum().getFloat() > 0, "active 5x5 centre gets gradient");
      assertEquals(0f, shared.get(new NDIndex(":" + mid + ", :, 0, :")).abs().sum().getFloat(), "7x7 ring row");
      assertEquals(0f, shared.get(new NDIndex(":" + mid + ", :, :, 6")).abs().sum().getFloat(), "7x7 ring column");
      assertEquals(0f, shared.get(new NDIndex(mid + ":")).abs().sum().getFloat(), "inactive channels");
      assertTrue(layer.depthwise.transform(5).getGradient().abs().sum().getFloat() > 0, "5x5 transform");
      assertEquals(0f, layer.depthwise.transform(3).getGradient().abs().sum().getFloat(), "3x3 transform unused");
      for (int j = 2; j < 4; j++) { // layers beyond the stage's depth
        assertEquals(0f, net.layer(0, j).depthwise.sharedWeight().getGradient().abs().sum().getFloat());
      }
      NDArray expand = net.namedParameters().get("stage1.layer1.expand.weight").getGradient();
      assertTrue(expand.get(new NDIndex(":" + mid + ", :" + in)).abs().sum().getFloat() > 0);
      assertEquals(0f, expand.get(new NDIndex(mid + ":")).abs().sum().getFloat(), "expand channels beyond 48");
      assertEquals(0f, net.namedParameters().get("head.feature_mix.weight").getGradient()
          .get(new NDIndex("512:")).abs().sum().getFloat(), "width 1.0 leaves the 1.2 channels idle");
    }
  }

  @Test
  void transformGradientMatchesFiniteDifferences() {
    try (Supernet net = new Supernet(SPACE, 1, 10, manager, 3); NDManager step = manager.newSubManager()) {
      Architecture arch = probe();
      NDArray images = step.randomUniform(0, 1, new Shape(2, 1, 28, 28));
      NDArray transform = net.layer(0, 0).depthwise.transform(5);
      // recalibrated statistics normalise activations, so the logits are of order one
      BatchNormCalibration.recalibrate(net, arch, (i, r) -> i == 0 ? images : null);
      float analytic;
      try (NDScope scope = new NDScope(); GradientCollector collector = manager.getEngine().newGradientCollector()) {
        collector.backward(net.forward(arch, images, false).sum());
        analytic = transform.getGradient().getFloat(12, 7);
      }
      float h = 1e-4f;
      double[] loss = new double[2];
      for (int sign = 0; sign < 2; sign++) {
        float original = transform.getFloat(12, 7);
        transform.set(new NDIndex(12, 7), original + (sign == 0 ? h : -h));
        try (NDScope scope = new NDScope()) {
          loss[sign] = net.forward(arch, images, false).sum().getFloat();
        }
        transform.set(new NDIndex(12, 7), original);
      }
      double numeric = (loss[0] - loss[1]) / (2 * h);
      assertEquals(numeric, analytic, 0.03 * Math.max(1, Math.abs(numeric)), "d loss / d T5[12,7]");
      assertTrue(Math.abs(analytic) > 1e-6);
    }
  }

  @Test
  void saveAndLoadRoundTrip(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("supernet.bin.gz");
    Architecture arch = SPACE.sample(new Random(8));
    try (Supernet a = new Supernet(SPACE, 1, 10, manager, 5); Supernet b = new Supernet(SPACE, 1, 10, manager, 6);
        NDManager step = manager.newSubManager()) {
      NDArray images = step.randomUniform(0, 1, new Shape(2, 1, arch.resolution(), arch.resolution()));
      BatchNormCalibration.recalibrate(a, arch, (i, r) -> i == 0 ? images : null);
      BatchNormCalibration.recalibrate(b, arch, (i, r) -> i == 0 ? images : null);
      a.save(file);
      float[] before = logits(b, arch, images);
      b.load(file);
      float[] expected = logits(a, arch, images);
      assertArrayEquals(expected, logits(b, arch, images), 1e-6f);
      assertTrue(Math.abs(before[0] - expected[0]) > 1e-6, "the two supernets started different");
    }
  }
}
