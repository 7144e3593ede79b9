package io.hilnat.host.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image folders written by the test with ImageIO: PNG and JPEG, gray and colour, of several sizes. */
class ImageFolderTest {

  @TempDir Path dir;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  static BufferedImage gray(int w, int h, int value) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.getRaster().setSample(x, y, 0, value);
      }
    }
    return image;
  }

  static BufferedImage colour(int w, int h, int r, int g, int b) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  /** 3 classes: "cat" 2 colour PNGs + 1 gray JPEG, "dog" 1 gray PNG + 1 colour JPEG, "emu" 1 random colour PNG. */
  Path writeFolder() throws Exception {
    Path root = dir.resolve("images");
    for (String c : new String[] {"dog", "cat", "emu"}) {
      Files.createDirectories(root.resolve(c));
    }
    ImageIO.write(colour(40, 30, 200, 100, 50), "png", root.resolve("cat/a.png").toFile());
    ImageIO.write(colour(17, 17, 0, 255, 0), "png", root.resolve("cat/b.PNG").toFile());
    ImageIO.write(gray(64, 48, 128), "jpg", root.resolve("cat/c.jpg").toFile());
    ImageIO.write(gray(28, 28, 77), "png", root.resolve("dog/d.png").toFile());
    ImageIO.write(colour(100, 80, 10, 20, 240), "jpeg", root.resolve("dog/e.jpeg").toFile());
    BufferedImage noise = new BufferedImage(33, 21, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(1);
    for (int y = 0; y < 21; y++) {
      for (int x = 0; x < 33; x++) {
        noise.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    ImageIO.write(noise, "png", root.resolve("emu/f.png").toFile());
    return root;
  }

  @Test
  void loadsClassesChannelsAndStoredSize() throws Exception {
    Path root = writeFolder();
    ByteImages rgb = ImageFolder.load(root, ImageFolder.Options.of(3, 24));
    assertEquals(6, rgb.size());
    assertEquals(List.of("cat", "dog", "emu"), rgb.classNames());
    assertArrayEquals(new int[] {0, 0, 0, 1, 1, 2}, rgb.labels());
    assertEquals(3, rgb.channels());
    assertEquals(24, rgb.height());
    assertEquals(24, rgb.width());
    float[] a = rgb.image(0); // uniform colour stays uniform through resizing
    assertEquals(200 / 255f, a[0], 1.5e-3);
    assertEquals(100 / 255f, a[24 * 24 + 100], 1.5e-3);
    assertEquals(50 / 255f, a[2 * 24 * 24 + 575], 1.5e-3);
    float[] d = rgb.image(3); // gray replicated to three channels, value kept exactly (no gamma)
    assertEquals(77 / 255f, d[5], 1e-6);
    assertEquals(77 / 255f, d[24 * 24 + 5], 1e-6);
    assertEquals(77 / 255f, d[2 * 24 * 24 + 5], 1e-6);

    ByteImages one = ImageFolder.load(root, new ImageFolder.Options(1, 16, 20, false));
    assertEquals(1, one.channels());
    assertEquals(16, one.height());
    assertEquals(20, one.width());
    assertEquals((0.299f * 200 + 0.587f * 100 + 0.114f * 50) / 255f, one.image(0)[7], 2.5e-3); // luminance
    assertEquals(0.587f, one.image(1)[0], 2.5e-3); // pure green
    // the noise image averaged down keeps its mean (area averaging)
    BufferedImage noise = ImageIO.read(root.resolve("emu/f.png").toFile());
    double mean = 0;
    for (int y = 0; y < 21; y++) {
      for (int x = 0; x < 33; x++) {
        int p = noise.getRGB(x, y);
        mean += 0.299 * ((p >> 16) & 255) + 0.587 * ((p >> 8) & 255) + 0.114 * (p & 255);
      }
    }
    mean /= 21 * 33 * 255.0;
    double stored = 0;
    for (float v : one.image(5)) {
      stored += v;
    }
    assertEquals(mean, stored / (16 * 20), 0.01);
  }

  @Test
  void brokenNonImageAndEmptyFoldersAreNamed() throws Exception {
    Path root = writeFolder();
    Path broken = root.resolve("dog/x.png");
    byte[] junk = new byte[500];
    new Random(2).nextBytes(junk);
    Files.write(broken, junk);
    DatasetException e = assertThrows(DatasetException.class,
        () -> ImageFolder.load(root, ImageFolder.Options.of(3, 8)));
    assertTrue(e.getMessage().contains(broken.toString()), e.getMessage());
    ByteImages skipped = ImageFolder.load(root, ImageFolder.Options.of(3, 8).skippingUnreadable());
    assertEquals(6, skipped.size());
    Files.delete(broken);

    Path text = root.resolve("emu/notes.txt");
    Files.writeString(text, "not an image");
    DatasetException t = assertThrows(DatasetException.class,
        () -> ImageFolder.load(root, ImageFolder.Options.of(3, 8)));
    assertTrue(t.getMessage().contains(text.toString()) && t.getMessage().contains("not an image"), t.getMessage());
    Files.delete(text);

    Path empty = root.resolve("fox");
    Files.createDirectories(empty);
    DatasetException none = assertThrows(DatasetException.class,
        () -> ImageFolder.load(root, ImageFolder.Options.of(3, 8)));
    assertTrue(none.getMessage().contains(empty.toString()), none.getMessage());

    Path nothing = dir.resolve("nothing");
    Files.createDirectories(nothing);
    DatasetException noClasses = assertThrows(DatasetException.class,
        () -> ImageFolder.load(nothing, ImageFolder.Options.of(3, 8)));
    assertTrue(noClasses.getMessage().contains(nothing.toString()), noClasses.getMessage());
  }

  @Test
  void resamplerAveragesWhenShrinkingAndInterpolatesWhenEnlarging() {
    float[] src = new float[16];
    for (int i = 0; i < 16; i++) {
      src[i] = i;
    }
    float[] half = new float[4];
    Resampler.resize(src, 0, 4, 4, half, 0, 2, 2, new float[4 * 2]);
    assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, half, 1e-5f); // 2x2 block means
    float[] row = {0, 1};
    float[] up = new float[4];
    Resampler.resize(row, 0, 1, 2, up, 0, 1, 4, new float[4]);
    assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, up, 1e-6f); // PyTorch bilinear, align_corners=False
  }
}
