package io.hilnat.host.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Batches of real Fashion-MNIST test images for DJL. */
class BatchLoaderTest {

  static ByteImages images;
  static NDManager root;

  @BeforeAll
  static void load() {
    images = IdxFiles.load(IdxFiles.DEBIAN_FASHION_MNIST, "t10k", FashionMnist.CLASS_NAMES);
    root = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    root.close();
  }

  @Test
  void shapesDtypeNormalisationAndResizing() {
    BatchLoader plain = new BatchLoader(images, Normalization.of(images), Augmentation.none());
    try (NDManager step = root.newSubManager()) {
      BatchLoader.Batch b = plain.inOrder(1000).next(step, 28);
      assertEquals(new Shape(1000, 1, 28, 28), b.images().getShape());
      assertEquals(DataType.FLOAT32, b.images().getDataType());
      assertEquals(DataType.INT64, b.labels().getDataType());
      assertEquals(new Shape(1000), b.labels().getShape());
      assertEquals(0, b.images().mean().getFloat(), 0.05);
      assertEquals(1, b.images().square().mean().getFloat(), 0.1);
      assertEquals(images.label(7), b.labels().toLongArray()[7]);
      // at the stored size the values are exactly (v/255 - mean) / std
      Normalization n = plain.normalization();
      assertEquals((images.image(3)[400] - n.mean()[0]) / n.std()[0], b.images().toFloatArray()[3 * 784 + 400],
          1e-5);

      BatchLoader.Batch big = plain.batch(step, new int[] {3, 5}, 32);
      assertEquals(new Shape(2, 1, 32, 32), big.images().getShape());
      assertEquals(b.images().get(3).mean().getFloat(), big.images().get(0).mean().getFloat(), 0.05);
      BatchLoader.Batch small = plain.batch(step, new int[] {3}, 14);
      assertEquals(new Shape(1, 1, 14, 14), small.images().getShape());
      assertEquals(b.images().get(3).mean().getFloat(), small.images().mean().getFloat(), 1e-3); // area keeps mean
    }
    BatchLoader floats = new BatchLoader(images, FashionMnist.NORMALIZATION, Augmentation.none(), DataType.FLOAT32);
    try (NDManager step = root.newSubManager()) {
      assertEquals(DataType.FLOAT32, floats.batch(step, new int[] {0, 1}, 28).labels().getDataType());
    }
  }

  @Test
  void sameSeedSameBatchesAnotherSeedOthers() {
    BatchLoader train = new BatchLoader(images, FashionMnist.NORMALIZATION, Augmentation.cropAndFlip(2, true));
    try (NDManager step = root.newSubManager()) {
      BatchLoader.Epoch a = train.epoch(64, 11, 0);
      BatchLoader.Epoch b = train.epoch(64, 11, 0);
      BatchLoader.Epoch c = train.epoch(64, 12, 0);
      assertEquals(10000 / 64, a.batches());
      a.next(step, 32);
      b.next(step, 24); // another resolution for the first batch does not change what follows
      BatchLoader.Batch a2 = a.next(step, 32);
      BatchLoader.Batch b2 = b.next(step, 32);
      BatchLoader.Batch c2 = c.next(step, 32);
      assertArrayEquals(a2.indices(), b2.indices());
      assertArrayEquals(a2.images().toFloatArray(), b2.images().toFloatArray());
      assertFalse(Arrays.equals(a2.indices(), c2.indices()));
      // same images, another augmentation seed: different crops or flips
      BatchLoader.Batch x = train.batch(step, a2.indices(), 32, train.augmentation(), 1);
      BatchLoader.Batch y = train.batch(step, a2.indices(), 32, train.augmentation(), 2);
      assertTrue(x.images().sub(y.images()).abs().sum().getFloat() > 1);
      assertArrayEquals(x.labels().toLongArray(), y.labels().toLongArray());
      assertFalse(Arrays.equals(train.epoch(64, 11, 1).peekIndices(), train.epoch(64, 11, 0).peekIndices()),
          "each epoch has its own order");
    }
  }

  @Test
  void flipAndCropMoveThePixels() {
    BatchLoader flipOnly = new BatchLoader(images, Normalization.identity(1), Augmentation.cropAndFlip(0, true));
    BatchLoader plain = new BatchLoader(images, Normalization.identity(1), Augmentation.none());
    try (NDManager step = root.newSubManager()) {
      int[] one = {0};
      float[] original = plain.batch(step, one, 28).images().toFloatArray();
      boolean sawFlip = false;
      boolean sawSame = false;
      for (long seed = 0; seed < 20; seed++) {
        float[] v = flipOnly.batch(step, one, 28, flipOnly.augmentation(), seed).images().toFloatArray();
        boolean flipped = true;
        for (int y = 0; y < 28 && flipped; y++) {
          for (int x = 0; x < 28; x++) {
            if (v[y * 28 + x] != original[y * 28 + 27 - x]) {
              flipped = false;
              break;
            }
          }
        }
        sawFlip |= flipped;
        sawSame |= Arrays.equals(v, original);
      }
      assertTrue(sawFlip && sawSame, "flips happen about half the time");
      BatchLoader crop = new BatchLoader(images, Normalization.identity(1), Augmentation.cropAndFlip(3, false));
      float[] v = crop.batch(step, one, 28, crop.augmentation(), 5).images().toFloatArray();
      float total = 0;
      float originalTotal = 0;
      for (int k = 0; k < 784; k++) {
        total += v[k];
        originalTotal += original[k];
      }
      assertTrue(total <= originalTotal + 1e-3, "a shifted crop only loses pixels to the black padding");
    }
  }

  @Test
  void arraysLiveInTheManagerPassedAndGoWithIt() {
    BatchLoader train = new BatchLoader(images, FashionMnist.NORMALIZATION, Augmentation.cropAndFlip(2, false));
    int before = root.getManagedArrays().size();
    BatchLoader.Epoch epoch = train.epoch(32, 1, 0);
    NDArray kept;
    BatchLoader.Pair pair;
    try (NDManager step = root.newSubManager()) {
      BatchLoader.Batch b = epoch.next(step, 32);
      pair = epoch.nextPair(step, 32);
      kept = b.images();
      assertEquals(step, kept.getManager());
      assertEquals(step, pair.first().getManager());
      assertEquals(5, step.getManagedArrays().size()); // images, labels, two views, labels
    }
    assertTrue(kept.isReleased());
    assertTrue(pair.second().isReleased());
    assertEquals(before, root.getManagedArrays().size());
  }

  @Test
  void twoViewsShareImagesAndLabelsButNotAugmentation() {
    BatchLoader train = new BatchLoader(images, FashionMnist.NORMALIZATION, Augmentation.contrastive(true));
    try (NDManager step = root.newSubManager()) {
      BatchLoader.Pair p = train.epoch(16, 2, 0).nextPair(step, 28);
      BatchLoader.Pair q = train.epoch(16, 2, 0).nextPair(step, 28);
      assertEquals(new Shape(16, 1, 28, 28), p.first().getShape());
      assertEquals(p.first().getShape(), p.second().getShape());
      assertTrue(p.first().sub(p.second()).abs().sum().getFloat() > 1);
      assertArrayEquals(p.first().toFloatArray(), q.first().toFloatArray());
      assertArrayEquals(p.second().toFloatArray(), q.second().toFloatArray());
      // the two views are still the same garments: far closer to each other than to other images
      NDArray same = p.first().sub(p.second()).square().mean();
      NDArray other = p.first().sub(p.second().get("1:").concat(p.second().get(":1"))).square().mean();
      assertTrue(same.getFloat() < other.getFloat(), same.getFloat() + " vs " + other.getFloat());
    }
  }

  @Test
  void randomResizedCropsCoverWhatSimClrAsksFor() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(4);
    double smallest = 1;
    double largest = 0;
    for (int i = 0; i < 2000; i++) {
      int[] box = BatchLoader.randomResizedCrop(28, 28, 0.2f, random);
      assertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 28 && box[1] + box[3] <= 28, java.util.Arrays
          .toString(box));
      double share = box[2] * box[3] / (28.0 * 28);
      double ratio = (double) box[2] / box[3];
      assertTrue(share >= 0.17 && ratio >= 0.7 && ratio <= 1.43, share + " of the area at " + ratio);
      smallest = Math.min(smallest, share);
      largest = Math.max(largest, share);
    }
    assertTrue(smallest < 0.25 && largest > 0.9, "crops from " + smallest + " to " + largest + " of the area");
  }

  @Test
  void colourViewsAreJitteredAndSometimesGrey() {
    // a colour set: each image's channels are the grey image scaled differently
    int n = 64;
    byte[] pixels = new byte[n * 3 * 784];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      float[] grey = images.image(i);
      for (int c = 0; c < 3; c++) {
        for (int k = 0; k < 784; k++) {
          pixels[(i * 3 + c) * 784 + k] = (byte) Math.round(grey[k] * 255 * (c + 1) / 3);
        }
      }
      labels[i] = images.label(i);
    }
    ByteImages colour = new ByteImages(pixels, labels, 3, 28, 28, FashionMnist.CLASS_NAMES);
    BatchLoader train = new BatchLoader(colour, Normalization.of(colour), Augmentation.contrastive(true));
    try (NDManager step = root.newSubManager()) {
      BatchLoader.Pair p = train.epoch(n, 3, 0).nextPair(step, 32);
      assertEquals(new Shape(n, 3, 32, 32), p.first().getShape());
      // undo the normalisation, then count the views whose three channels are equal: grey ones
      Normalization norm = train.normalization();
      float[] v = p.first().toFloatArray();
      int greyViews = 0;
      for (int i = 0; i < n; i++) {
        double difference = 0;
        for (int k = 0; k < 1024; k++) {
          float r = v[(i * 3) * 1024 + k] * norm.std()[0] + norm.mean()[0];
          float b = v[(i * 3 + 2) * 1024 + k] * norm.std()[2] + norm.mean()[2];
          difference += Math.abs(r - b);
        }
        greyViews += difference < 1e-2 ? 1 : 0;
      }
      assertTrue(greyViews >= 3 && greyViews <= 28, greyViews + " of " + n + " views grey (p = 0.2)");
    }
  }

  @Test
  void aHueShiftKeepsLumaAndGreyAndUndoesItself() {
    // three pixels, planar RGB: a muted orange, a muted blue, a grey
    float[] original = {0.6f, 0.35f, 0.5f, 0.45f, 0.4f, 0.5f, 0.3f, 0.55f, 0.5f};
    float[] shifted = original.clone();
    BatchLoader.shiftHue(shifted, 0, 3, 0.1f);
    for (int k = 0; k < 3; k++) {
      float lumaBefore = 0.299f * original[k] + 0.587f * original[3 + k] + 0.114f * original[6 + k];
      float lumaAfter = 0.299f * shifted[k] + 0.587f * shifted[3 + k] + 0.114f * shifted[6 + k];
      assertEquals(lumaBefore, lumaAfter, 2e-3, "luma of pixel " + k);
    }
    assertEquals(0.5f, shifted[2], 1e-3);
    assertEquals(0.5f, shifted[5], 1e-3);
    assertEquals(0.5f, shifted[8], 1e-3);
    assertTrue(Math.abs(shifted[0] - original[0]) + Math.abs(shifted[3] - original[3])
        + Math.abs(shifted[6] - original[6]) > 0.05, "the orange pixel's colour moved");
    BatchLoader.shiftHue(shifted, 0, 3, -0.1f);
    assertArrayEquals(original, shifted, 2e-3f);
  }

  @Test
  void evaluationCoversTheSetInOrderAndSamplesAreDistinct() {
    BatchLoader plain = new BatchLoader(images, FashionMnist.NORMALIZATION, Augmentation.cropAndFlip(2, true));
    BatchLoader.Epoch all = plain.inOrder(3000);
    assertEquals(4, all.batches());
    int seen = 0;
    try (NDManager step = root.newSubManager()) {
      BatchLoader.Batch first = all.next(step, 28);
      BatchLoader.Batch again = plain.batch(step, first.indices(), 28);
      assertArrayEquals(first.images().toFloatArray(), again.images().toFloatArray(), "no augmentation in order");
      seen += first.indices().length;
    }
    while (all.hasNext()) {
      try (NDManager step = root.newSubManager()) {
        int[] indices = all.next(step, 28).indices();
        assertEquals(seen, indices[0]);
        seen += indices.length;
      }
    }
    assertEquals(10000, seen);
    int[] sample = plain.sample(960, 7);
    Set<Integer> distinct = new HashSet<>();
    for (int i : sample) {
      distinct.add(i);
    }
    assertEquals(960, distinct.size());
    assertArrayEquals(sample, plain.sample(960, 7));
    assertNotEquals(Arrays.toString(sample), Arrays.toString(plain.sample(960, 8)));
  }

  @Test
  void throughputAtBatch256And32Pixels() {
    BatchLoader train = new BatchLoader(images, FashionMnist.NORMALIZATION, Augmentation.cropAndFlip(2, true));
    BatchLoader.Epoch epoch = train.epoch(256, 3, 0);
    for (int i = 0; i < 3; i++) { // warm-up
      try (NDManager step = root.newSubManager()) {
        epoch.next(step, 32);
      }
    }
    int batches = 0;
    long start = System.nanoTime();
    while (epoch.hasNext() && batches < 20) {
      try (NDManager step = root.newSubManager()) {
        epoch.next(step, 32);
        batches++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("BatchLoader throughput: %.0f images/s (batch 256, 28->32 px, crop+flip, %d batches, %d cores)%n",
        batches * 256 / seconds, batches, Runtime.getRuntime().availableProcessors());
    assertEquals(20, batches);
  }
}
