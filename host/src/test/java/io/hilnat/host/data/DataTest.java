package io.hilnat.host.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fashion-MNIST from Debian's dataset-fashion-mnist, and the errors for data that is not right. */
class DataTest {

  @TempDir Path dir;

  @Test
  void fashionMnistLoadsWithItsKnownShapeAndStatistics() {
    ImageSet train = IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "train");
    ImageSet test = IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "t10k");
    assertEquals(60000, train.count());
    assertEquals(10000, test.count());
    assertEquals(28, train.size());
    assertEquals(10, train.classes());
    int[] perClass = new int[10];
    for (int l : train.labels()) {
      perClass[l]++;
    }
    for (int c : perClass) {
      assertEquals(6000, c);
    }
    double mean = 0;
    for (byte b : train.pixels()) {
      mean += (b & 0xff) / 255.0;
    }
    assertEquals(0.286, mean / train.pixels().length, 0.002);
  }

  @Test
  void rawIdxReadsLikeGzippedAndBadFilesAreNamed() throws Exception {
    for (String kind : new String[] {"images-idx3", "labels-idx1"}) {
      try (var in = new GZIPInputStream(Files.newInputStream(
          IdxFiles.DEBIAN_FASHION_MNIST.resolve("t10k-" + kind + "-ubyte.gz")))) {
        Files.write(dir.resolve("t10k-" + kind + "-ubyte"), in.readAllBytes());
      }
    }
    ImageSet raw = IdxFiles.load(dir, "t10k");
    ImageSet gz = IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "t10k");
    assertArrayEquals(gz.labels(), raw.labels());
    assertArrayEquals(gz.pixels(), raw.pixels());

    DatasetException missing = assertThrows(DatasetException.class, () -> IdxFiles.load(dir, "train"));
    assertTrue(missing.getMessage().contains("train-images-idx3-ubyte"), missing.getMessage());

    Path labels = dir.resolve("t10k-labels-idx1-ubyte");
    try (var out = new DataOutputStream(Files.newOutputStream(labels))) {
      out.writeInt(0x00000803); // an image magic in a label file
      out.writeInt(1);
    }
    DatasetException magic = assertThrows(DatasetException.class, () -> IdxFiles.load(dir, "t10k"));
    assertTrue(magic.getMessage().contains(labels.toString()) && magic.getMessage().contains("0x00000801"),
        magic.getMessage());

    try (var out = new DataOutputStream(Files.newOutputStream(labels))) {
      out.writeInt(0x00000801);
      out.writeInt(10000);
      out.write(new byte[100]); // truncated
    }
    DatasetException truncated = assertThrows(DatasetException.class, () -> IdxFiles.load(dir, "t10k"));
    assertTrue(truncated.getMessage().contains("ends early"), truncated.getMessage());
  }

  @Test
  void batchesAreNormalisedResizedAndDeterministic() {
    ImageSet test = IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "t10k");
    Batches batches = new Batches(test, test);
    int[] order = batches.shuffled(new Random(1));
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray plain = batches.images(m, order, 0, 256, 28, null);
      assertEquals(new ai.djl.ndarray.types.Shape(256, 1, 28, 28), plain.getShape());
      assertEquals(0, plain.mean().getFloat(), 0.1);
      NDArray resized = batches.images(m, order, 0, 4, 32, null);
      assertEquals(new ai.djl.ndarray.types.Shape(4, 1, 32, 32), resized.getShape());
      NDArray a = batches.images(m, order, 0, 8, 28, new Random(5));
      NDArray b = batches.images(m, order, 0, 8, 28, new Random(5));
      NDArray c = batches.images(m, order, 0, 8, 28, new Random(6));
      assertArrayEquals(a.toFloatArray(), b.toFloatArray());
      assertTrue(a.sub(c).abs().sum().getFloat() > 0, "another seed crops differently");
      assertEquals(8, batches.labels(m, order, 0, 8).size());
    }
  }

  /**
   * Every part of a run sees images through one pipeline, the one the exported model's sidecar describes: shrunk
   * by area averaging (here 28 to 14 px: each pixel the mean of a 2x2 block), with the training set's normalisation.
   */
  @Test
  void batchesShrinkByAreaAveragingAsTheSidecarSays() {
    ImageSet test = IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "t10k").subset(new int[] {0, 1});
    Batches batches = new Batches(test, test);
    try (NDManager m = NDManager.newBaseManager()) {
      float[] half = batches.images(m, new int[] {0, 1}, 0, 2, 14, null).toFloatArray();
      for (int i = 0; i < 2; i++) {
        for (int y = 0; y < 14; y++) {
          for (int x = 0; x < 14; x++) {
            double sum = 0;
            for (int k = 0; k < 4; k++) {
              sum += test.pixels()[i * 784 + (2 * y + k / 2) * 28 + 2 * x + k % 2] & 0xff;
            }
            double expected = (sum / 4 / 255 - batches.mean()) / batches.std();
            assertEquals(expected, half[i * 196 + y * 14 + x], 1e-4, "image " + i + " at " + y + "," + x);
          }
        }
      }
    }
  }
}
