package io.hilnat.host.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Image folders: {@code ROOT/<class>/*.png|jpg|jpeg}, one sub-folder per class (sorted by name), any
 * size, grey or colour. Images are stored square at {@code size} (bilinear, whole image) with
 * {@code channels} 1 (luminance) or 3 (grey replicated).
 */
public final class ImageFolders {

  private ImageFolders() {}

  public static ImageSet load(Path root, int channels, int size) {
    if (channels != 1 && channels != 3) {
      throw new DatasetException("channels must be 1 or 3, got " + channels);
    }
    if (!Files.isDirectory(root)) {
      throw new DatasetException(root + " is not a folder: expected ROOT/<class>/<image>.png|jpg");
    }
    List<Path> classes;
    try (Stream<Path> dirs = Files.list(root)) {
      classes = dirs.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new DatasetException(root + ": " + e.getMessage(), e);
    }
    if (classes.size() < 2) {
      throw new DatasetException(root + " has " + classes.size() + " class folder(s); expected one sub-folder per "
          + "class, at least two");
    }
    List<byte[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int c = 0; c < classes.size(); c++) {
      List<Path> files;
      try (Stream<Path> list = Files.list(classes.get(c))) {
        files = list.filter(Files::isRegularFile).sorted().toList();
      } catch (IOException e) {
        throw new DatasetException(classes.get(c) + ": " + e.getMessage(), e);
      }
      for (Path file : files) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"))) {
          throw new DatasetException(file + " is not a .png, .jpg or .jpeg image; remove it from the dataset folder");
        }
        images.add(pixels(read(file), channels, size));
        labels.add(c);
      }
      if (files.isEmpty()) {
        throw new DatasetException(classes.get(c) + " holds no images");
      }
    }
    int per = channels * size * size;
    byte[] all = new byte[images.size() * per];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i), 0, all, i * per, per);
    }
    return new ImageSet(all, labels.stream().mapToInt(Integer::intValue).toArray(), channels, size, classes.size());
  }

  /** Class names, in label order. */
  public static List<String> classNames(Path root) throws IOException {
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(Files::isDirectory).sorted().map(p -> p.getFileName().toString()).toList();
    }
  }

  private static BufferedImage read(Path file) {
    try {
      BufferedImage image = ImageIO.read(file.toFile());
      if (image == null) {
        throw new DatasetException(file + " could not be decoded as an image (corrupt or not PNG/JPEG)");
      }
      return image;
    } catch (IOException e) {
      throw new DatasetException(file + " could not be read: " + e.getMessage(), e);
    }
  }

  private static byte[] pixels(BufferedImage image, int channels, int size) {
    BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, size, size, null);
    g.dispose();
    byte[] out = new byte[channels * size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int rgb = scaled.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int gr = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (channels == 1) {
          out[y * size + x] = (byte) Math.round(0.299 * r + 0.587 * gr + 0.114 * b);
        } else {
          out[y * size + x] = (byte) r;
          out[size * size + y * size + x] = (byte) gr;
          out[2 * size * size + y * size + x] = (byte) b;
        }
      }
    }
    return out;
  }
}
