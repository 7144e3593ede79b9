package io.hilnat.host.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NAT's transfer rules, checked on the arithmetic: what is kept computes what it computed. */
class SupernetTransferTest {

  @TempDir Path dir;

  @Test
  void greyImagesSeeWhatTheirColourCopyDidAndOnlyTheClassifierIsNew() throws Exception {
    SearchSpace space = SearchSpaceLoader.load("tiny-mbv3");
    try (NDManager manager = NDManager.newBaseManager()) {
      Path rgb = dir.resolve("rgb");
      try (Supernet source = new Supernet(space, 3, 7, manager, 3)) {
        SupernetCheckpoint.save(source, rgb, "somewhere", 0);
      }
      StringWriter log = new StringWriter();
      try (Supernet source = SupernetCheckpoint.load(rgb, manager);
          Supernet grey = SupernetTransfer.load(rgb, space, 1, 4, manager, 9, new PrintWriter(log, true))) {
        assertEquals(4, grey.classes());
        assertEquals(1, grey.inputChannels());
        assertTrue(log.toString().contains("classifier re-initialised (4 classes, was 7)"), log.toString());
        assertTrue(log.toString().contains("summed over RGB"), log.toString());
        assertArrayEquals(source.values("stage2.layer1.depthwise.weight"),
            grey.values("stage2.layer1.depthwise.weight"));
        Random random = new Random(5);
        for (Architecture arch : List.of(space.largest(), space.smallest(), space.sample(random))) {
          int r = arch.resolution();
          float[] pixels = new float[2 * r * r];
          for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
          }
          float[] copies = new float[2 * 3 * r * r];
          for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
              System.arraycopy(pixels, n * r * r, copies, (n * 3 + c) * r * r, r * r);
            }
          }
          try (NDManager step = manager.newSubManager()) {
            float[] expected = source.features(arch, step.create(copies, new Shape(2, 3, r, r)), false).toFloatArray();
            NDArray greyFeatures = grey.features(arch, step.create(pixels, new Shape(2, 1, r, r)), false);
            float[] actual = greyFeatures.toFloatArray();
            for (int i = 0; i < expected.length; i++) {
              assertEquals(expected[i], actual[i], 1e-4 * (1 + Math.abs(expected[i])), "feature " + i);
            }
          }
        }
      }
    }
  }

  @Test
  void anotherNetworkIsRefusedButOtherResolutionsAreTaken() throws Exception {
    SearchSpace space = SearchSpaceLoader.load("tiny-mbv3");
    try (NDManager manager = NDManager.newBaseManager()) {
      Path saved = dir.resolve("net");
      try (Supernet source = new Supernet(space, 1, 10, manager, 3)) {
        SupernetCheckpoint.save(source, saved, "somewhere", 0);
      }
      String message = assertThrows(IllegalArgumentException.class, () -> SupernetTransfer.load(saved,
          SearchSpaceLoader.load("small-mbv3"), 1, 10, manager, 1, new PrintWriter(new StringWriter()))).getMessage();
      assertTrue(message.contains("is not the network of the supernet") && message.contains("space.yaml"), message);
      SearchSpace larger = new SearchSpace("tiny-larger", List.of(40, 44), space.widths(), space.kernels(),
          space.expandRatios(), space.depths(), space.stem(), space.firstBlock(), space.stages(), space.head());
      StringWriter log = new StringWriter();
      try (Supernet moved = SupernetTransfer.load(saved, larger, 1, 10, manager, 1, new PrintWriter(log, true))) {
        assertEquals(List.of(40, 44), moved.space().resolutions());
        assertTrue(log.toString().contains("resolutions 40-44 px from the space file"), log.toString());
      }
    }
  }
}
