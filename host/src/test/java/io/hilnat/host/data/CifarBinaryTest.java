package io.hilnat.host.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10/100 binary files written by the test in the published record layout. */
class CifarBinaryTest {

  @TempDir Path dir;

  /** {@code n} records with {@code labelBytes} label bytes each; returns the bytes written. */
  static byte[] writeRecords(Path file, int n, int labelBytes, int[][] labels, Random random) throws Exception {
    int record = labelBytes + 3072;
    byte[] bytes = new byte[n * record];
    random.nextBytes(bytes);
    for (int i = 0; i < n; i++) {
      for (int b = 0; b < labelBytes; b++) {
        bytes[i * record + b] = (byte) labels[i][b];
      }
    }
    Files.write(file, bytes);
    return bytes;
  }

  @Test
  void cifar10RoundTripsRecordsInFileOrder() throws Exception {
    Random random = new Random(3);
    Path folder = dir.resolve("cifar-10-batches-bin"); // the archive's own sub-folder
    Files.createDirectories(folder);
    byte[][] written = new byte[6][];
    int[][] labels = new int[6][];
    for (int f = 0; f < 6; f++) {
      int n = 3 + f;
      int[][] l = new int[n][1];
      labels[f] = new int[n];
      for (int i = 0; i < n; i++) {
        l[i][0] = random.nextInt(10);
        labels[f][i] = l[i][0];
      }
      String name = f < 5 ? "data_batch_" + (f + 1) + ".bin" : "test_batch.bin";
      written[f] = writeRecords(folder.resolve(name), n, 1, l, random);
    }
    TrainTest t = CifarBinary.loadCifar10(dir);
    assertEquals(3 + 4 + 5 + 6 + 7, t.train().size());
    assertEquals(8, t.test().size());
    assertEquals(3, t.train().channels());
    assertEquals(32, t.train().height());
    assertEquals("truck", t.train().classNames().get(9));
    // image 3 is the first record of data_batch_2; its pixels follow the label byte, R then G then B planes
    assertArrayEquals(Arrays.copyOfRange(written[1], 1, 3073), Arrays.copyOfRange(t.train().pixels(), 3 * 3072,
        4 * 3072));
    assertEquals(labels[1][0], t.train().label(3));
    assertArrayEquals(labels[5], t.test().labels());
    float[] image = t.test().image(2);
    assertEquals((written[5][2 * 3073 + 1 + 1024] & 0xff) / 255f, image[1024], 1e-7); // first green value
  }

  @Test
  void cifar100ReadsFineOrCoarseLabels() throws Exception {
    Random random = new Random(4);
    int[][] train = {{3, 77}, {19, 99}, {0, 0}};
    int[][] test = {{5, 42}};
    writeRecords(dir.resolve("train.bin"), 3, 2, train, random);
    writeRecords(dir.resolve("test.bin"), 1, 2, test, random);
    Files.write(dir.resolve("coarse_label_names.txt"), java.util.stream.IntStream.range(0, 20)
        .mapToObj(i -> "super" + i).toList());
    TrainTest fine = CifarBinary.loadCifar100(dir, true);
    TrainTest coarse = CifarBinary.loadCifar100(dir, false);
    assertArrayEquals(new int[] {77, 99, 0}, fine.train().labels());
    assertArrayEquals(new int[] {3, 19, 0}, coarse.train().labels());
    assertEquals(42, fine.test().label(0));
    assertEquals(100, fine.train().numClasses());
    assertEquals(20, coarse.train().numClasses());
    assertEquals("super19", coarse.train().classNames().get(19));
    assertArrayEquals(fine.train().pixels(), coarse.train().pixels());
  }

  @Test
  void badRecordLengthsAndMissingFilesAreNamed() throws Exception {
    Random random = new Random(5);
    writeRecords(dir.resolve("train.bin"), 2, 2, new int[][] {{1, 1}, {2, 2}}, random);
    Path test = dir.resolve("test.bin");
    Files.write(test, new byte[3074 * 2 - 100]);
    DatasetException bad = assertThrows(DatasetException.class, () -> CifarBinary.loadCifar100(dir, true));
    assertTrue(bad.getMessage().contains(test.toString()) && bad.getMessage().contains("3074-byte records"),
        bad.getMessage());

    // CIFAR-100 records read as CIFAR-10: the length is not a multiple of 3073 and the message says why
    Path cifar10 = dir.resolve("c10");
    Files.createDirectories(cifar10);
    for (int i = 1; i <= 5; i++) {
      writeRecords(cifar10.resolve("data_batch_" + i + ".bin"), 1, 1, new int[][] {{i}}, random);
    }
    Path testBatch = cifar10.resolve("test_batch.bin");
    writeRecords(testBatch, 3, 2, new int[][] {{1, 1}, {2, 2}, {3, 3}}, random);
    DatasetException wrong = assertThrows(DatasetException.class, () -> CifarBinary.loadCifar10(cifar10));
    assertTrue(wrong.getMessage().contains(testBatch.toString()) && wrong.getMessage().contains("CIFAR-100"),
        wrong.getMessage());

    Files.delete(cifar10.resolve("data_batch_4.bin"));
    DatasetException missing = assertThrows(DatasetException.class, () -> CifarBinary.loadCifar10(cifar10));
    assertTrue(missing.getMessage().contains("data_batch_4.bin"), missing.getMessage());

    DatasetException none = assertThrows(DatasetException.class, () -> CifarBinary.loadCifar10(dir.resolve("x")));
    assertTrue(none.getMessage().contains("data_batch_1.bin"), none.getMessage());

    writeRecords(testBatch, 1, 1, new int[][] {{10}}, random);
    writeRecords(cifar10.resolve("data_batch_4.bin"), 1, 1, new int[][] {{4}}, random);
    DatasetException label = assertThrows(DatasetException.class, () -> CifarBinary.loadCifar10(cifar10));
    assertTrue(label.getMessage().contains(testBatch.toString()) && label.getMessage().contains("label 10"),
        label.getMessage());
  }
}
