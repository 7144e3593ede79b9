package io.hilnat.host.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fashion-MNIST from Debian's dataset-fashion-mnist, and IDX files that are wrong in the ways files go wrong. */
class FashionMnistTest {

  static TrainTest real;

  @TempDir Path dir;

  @BeforeAll
  static void load() {
    real = FashionMnist.load();
  }

  @Test
  void realFashionMnistHasItsKnownShapeCountsAndStatistics() {
    ByteImages train = real.train();
    ByteImages test = real.test();
    assertEquals(60000, train.size());
    assertEquals(10000, test.size());
    assertEquals(1, train.channels());
    assertEquals(28, train.height());
    assertEquals(28, train.width());
    assertEquals(10, train.numClasses());
    assertEquals("Ankle boot", train.classNames().get(9));
    for (int count : train.classCounts()) {
      assertEquals(6000, count);
    }
    for (int count : test.classCounts()) {
      assertEquals(1000, count);
    }
    Normalization n = Normalization.of(train);
    assertEquals(0.2860, n.mean()[0], 0.0005);
    assertEquals(0.3530, n.std()[0], 0.0005);
    assertEquals(FashionMnist.NORMALIZATION.mean()[0], n.mean()[0], 0.0005);
    assertEquals(FashionMnist.NORMALIZATION.std()[0], n.std()[0], 0.0005);
    float[] first = train.image(0);
    assertEquals(784, first.length);
    float max = 0;
    for (float v : first) {
      assertTrue(v >= 0 && v <= 1);
      max = Math.max(max, v);
    }
    assertTrue(max > 0.5, "the first image is not blank");
  }

  @Test
  void rawIdxReadsIdenticalToGzipped() throws Exception {
    copyRaw("t10k", dir);
    ByteImages raw = IdxFiles.load(dir, "t10k", FashionMnist.CLASS_NAMES);
    assertArrayEquals(real.test().pixels(), raw.pixels());
    assertArrayEquals(real.test().labels(), raw.labels());
  }

  @Test
  void missingFolderAndFilesAreNamedWithWhatToDo() {
    Path nowhere = dir.resolve("nowhere");
    DatasetException e = assertThrows(DatasetException.class, () -> FashionMnist.load(nowhere));
    assertTrue(e.getMessage().contains(nowhere.toString()), e.getMessage());
    DatasetException f = assertThrows(DatasetException.class, () -> FashionMnist.load(dir));
    assertTrue(f.getMessage().contains("train-images-idx3-ubyte"), f.getMessage());
    assertTrue(f.getMessage().contains(dir.toString()), f.getMessage());
  }

  @Test
  void wrongMagicDoubleGzipSwappedFilesAreNamed() throws Exception {
    copyRaw("t10k", dir);
    Path images = dir.resolve("t10k-images-idx3-ubyte");
    byte[] gz = Files.readAllBytes(IdxFiles.DEBIAN_FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz"));
    Files.delete(images);
    Path twice = dir.resolve("t10k-images-idx3-ubyte.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(twice))) {
      out.write(gz);
    }
    DatasetException doubled = assertThrows(DatasetException.class, () -> IdxFiles.load(dir, "t10k",
        FashionMnist.CLASS_NAMES));
    assertTrue(doubled.getMessage().contains(twice.toString()), doubled.getMessage());
    assertTrue(doubled.getMessage().contains("0x00000803") && doubled.getMessage().contains("gzipped twice"),
        doubled.getMessage());

    Files.delete(twice);
    Files.copy(dir.resolve("t10k-labels-idx1-ubyte"), images);
    DatasetException swapped = assertThrows(DatasetException.class,
        () -> IdxFiles.load(dir, "t10k", FashionMnist.CLASS_NAMES));
    assertTrue(swapped.getMessage().contains(images.toString()) && swapped.getMessage().contains("0x00000801"),
        swapped.getMessage());
  }

  @Test
  void truncatedFilesCountMismatchAndLabelRangeAreNamed() throws Exception {
    Path images = dir.resolve("t10k-images-idx3-ubyte");
    Path labels = dir.resolve("t10k-labels-idx1-ubyte");
    writeImages(images, 5, 4, 4, 5 * 16);
    writeLabels(labels, new int[] {0, 1, 2, 3});
    DatasetException mismatch = assertThrows(DatasetException.class,
        () -> IdxFiles.load(dir, "t10k", FashionMnist.CLASS_NAMES));
    assertTrue(mismatch.getMessage().contains(images.toString()) && mismatch.getMessage().contains("5 images")
        && mismatch.getMessage().contains("4 labels"), mismatch.getMessage());

    writeImages(images, 5, 4, 4, 3 * 16);
    DatasetException truncated = assertThrows(DatasetException.class,
        () -> IdxFiles.load(dir, "t10k", FashionMnist.CLASS_NAMES));
    assertTrue(truncated.getMessage().contains(images.toString()) && truncated.getMessage().contains("ends early"),
        truncated.getMessage());

    writeImages(images, 4, 4, 4, 4 * 16);
    writeLabels(labels, new int[] {0, 1, 12, 3});
    DatasetException range = assertThrows(DatasetException.class,
        () -> IdxFiles.load(dir, "t10k", FashionMnist.CLASS_NAMES));
    assertTrue(range.getMessage().contains(labels.toString()) && range.getMessage().contains("label 12"),
        range.getMessage());

    writeLabels(labels, new int[] {0, 1, 9, 3});
    ByteImages ok = IdxFiles.load(dir, "t10k", FashionMnist.CLASS_NAMES);
    assertEquals(4, ok.size());
    assertEquals(9, ok.label(2));
  }

  private static void copyRaw(String split, Path to) throws Exception {
    for (String kind : new String[] {"images-idx3", "labels-idx1"}) {
      try (var in = new GZIPInputStream(Files.newInputStream(
          IdxFiles.DEBIAN_FASHION_MNIST.resolve(split + "-" + kind + "-ubyte.gz")))) {
        Files.write(to.resolve(split + "-" + kind + "-ubyte"), in.readAllBytes());
      }
    }
  }

  static void writeImages(Path file, int n, int rows, int cols, int bytes) throws Exception {
    try (var out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(0x00000803);
      out.writeInt(n);
      out.writeInt(rows);
      out.writeInt(cols);
      for (int i = 0; i < bytes; i++) {
        out.write(i * 7);
      }
    }
  }

  static void writeLabels(Path file, int[] labels) throws Exception {
    try (var out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(0x00000801);
      out.writeInt(labels.length);
      for (int l : labels) {
        out.write(l);
      }
    }
  }
}
