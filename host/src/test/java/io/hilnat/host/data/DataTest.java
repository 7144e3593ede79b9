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

  @Test
  void imageFoldersOfAnySizeAndColourLoadAndSplit() throws Exception {
    Random random = new Random(3);
    String[] classes = {"cat", "dog", "ship"};
    for (int c = 0; c < classes.length; c++) {
      Path folder = Files.createDirectories(dir.resolve("images").resolve(classes[c]));
      for (int i = 0; i < 10; i++) {
        int w = 20 + random.nextInt(40);
        int type = i % 2 == 0 ? java.awt.image.BufferedImage.TYPE_INT_RGB : java.awt.image.BufferedImage.TYPE_BYTE_GRAY;
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(w, w + 3, type);
        for (int y = 0; y < w + 3; y++) {
          for (int x = 0; x < w; x++) {
            image.setRGB(x, y, (c * 80) << 16 | (x * 4) << 8 | (y * 3));
          }
        }
        javax.imageio.ImageIO.write(image, i % 3 == 0 ? "jpg" : "png",
            folder.resolve("img" + i + (i % 3 == 0 ? ".jpg" : ".png")).toFile());
      }
    }
    ImageSet set = ImageFolders.load(dir.resolve("images"), 3, 32);
    assertEquals(30, set.count());
    assertEquals(3, set.classes());
    assertEquals(3 * 32 * 32, set.imageBytes());
    assertEquals(java.util.List.of("cat", "dog", "ship"), ImageFolders.classNames(dir.resolve("images")));
    Datasets.Splits splits = Datasets.load("folder:" + dir.resolve("images"));
    assertEquals(24, splits.train().count());
    assertEquals(6, splits.test().count());

    Files.write(dir.resolve("images/dog/broken.png"), new byte[] {1, 2, 3, 4});
    DatasetException broken = assertThrows(DatasetException.class, () -> ImageFolders.load(dir.resolve("images"), 3, 32));
    assertTrue(broken.getMessage().contains("broken.png"), broken.getMessage());
    Files.delete(dir.resolve("images/dog/broken.png"));
    Files.writeString(dir.resolve("images/cat/notes.txt"), "hello");
    DatasetException text = assertThrows(DatasetException.class, () -> ImageFolders.load(dir.resolve("images"), 1, 28));
    assertTrue(text.getMessage().contains("notes.txt"), text.getMessage());
    assertTrue(assertThrows(DatasetException.class, () -> Datasets.load("imagenet")).getMessage().contains("folder:DIR"));
  }
}
