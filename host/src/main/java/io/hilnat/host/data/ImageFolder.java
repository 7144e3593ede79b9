package io.hilnat.host.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Images in {@code root/<class>/*.png|jpg|jpeg}, one sub-folder per class (class names sorted), any size, gray or
 * colour, decoded by {@code javax.imageio} (headless). Every image is converted to the chosen number of channels
 * (gray to colour by replication, colour to gray by ITU-R 601 luminance, as PIL's "L") and resized to one stored
 * size (area averaging when shrinking, bilinear when enlarging), kept as uint8.
 */
public final class ImageFolder {

  private static final System.Logger LOG = System.getLogger(ImageFolder.class.getName());

  /**
   * @param channels 1 or 3
   * @param height stored height
   * @param width stored width
   * @param skipUnreadable skip (with a warning) files that are not decodable images instead of failing
   */
  public record Options(int channels, int height, int width, boolean skipUnreadable) {
    public Options {
      if (channels != 1 && channels != 3) {
        throw new IllegalArgumentException("channels must be 1 or 3, not " + channels);
      }
      if (height <= 0 || width <= 0) {
        throw new IllegalArgumentException("stored size must be positive: " + height + "x" + width);
      }
    }

    /** Square stored size, failing on unreadable files. */
    public static Options of(int channels, int size) {
      return new Options(channels, size, size, false);
    }

    public Options skippingUnreadable() {
      return new Options(channels, height, width, true);
    }
  }

  private ImageFolder() {}

  static boolean isImageName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
  }

  public static ByteImages load(Path root, Options options) {
    if (!Files.isDirectory(root)) {
      throw new DatasetException("missing folder " + root + ": expected one sub-folder per class holding"
          + " .png/.jpg/.jpeg images");
    }
    List<Path> classes = new ArrayList<>();
    try (Stream<Path> entries = Files.list(root)) {
      for (Path p : entries.sorted().toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        if (Files.isDirectory(p)) {
          classes.add(p);
        } else if (isImageName(name)) {
          throw new DatasetException(p + ": image directly in the root folder; expected " + root
              + "/<class>/" + name + " (one sub-folder per class)");
        }
      }
    } catch (IOException e) {
      throw new DatasetException(root + ": cannot list (" + e + ")", e);
    }
    if (classes.isEmpty()) {
      throw new DatasetException(root + ": no class sub-folders; expected " + root
          + "/<class>/*.png|jpg|jpeg with one sub-folder per class");
    }
    List<String> classNames = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Path dir : classes) {
      int label = classNames.size();
      classNames.add(dir.getFileName().toString());
      int before = files.size();
      try (Stream<Path> entries = Files.list(dir)) {
        for (Path p : entries.sorted().toList()) {
          String name = p.getFileName().toString();
          if (name.startsWith(".") || Files.isDirectory(p)) {
            continue;
          }
          if (!isImageName(name)) {
            if (options.skipUnreadable()) {
              LOG.log(System.Logger.Level.WARNING, "skipping " + p + ": not a .png/.jpg/.jpeg file");
              continue;
            }
            throw new DatasetException(p + ": not an image; expected only .png/.jpg/.jpeg files in class folders"
                + " (remove it, or load with skipUnreadable)");
          }
          files.add(p);
          labels.add(label);
        }
      } catch (IOException e) {
        throw new DatasetException(dir + ": cannot list (" + e + ")", e);
      }
      if (files.size() == before) {
        throw new DatasetException(dir + ": class folder holds no .png/.jpg/.jpeg images");
      }
    }
    int values = options.channels() * options.height() * options.width();
    byte[] pixels = new byte[files.size() * values];
    int[] label = new int[files.size()];
    int n = 0;
    float[] out = new float[values];
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      BufferedImage image;
      try {
        image = ImageIO.read(file.toFile());
      } catch (IOException | RuntimeException e) {
        image = null;
        if (!options.skipUnreadable()) {
          throw new DatasetException(file + ": cannot decode as an image (" + e.getMessage() + ")", e);
        }
      }
      if (image == null) {
        if (options.skipUnreadable()) {
          LOG.log(System.Logger.Level.WARNING, "skipping " + file + ": not a decodable PNG/JPEG");
          continue;
        }
        throw new DatasetException(file + ": not a decodable PNG/JPEG image (corrupt, or another format with an "
            + "image extension?)");
      }
      convert(image, options, out);
      int base = n * values;
      for (int k = 0; k < values; k++) {
        pixels[base + k] = (byte) Math.round(Math.max(0f, Math.min(1f, out[k])) * 255f);
      }
      label[n++] = labels.get(i);
    }
    if (n < files.size()) {
      pixels = java.util.Arrays.copyOf(pixels, n * values);
      label = java.util.Arrays.copyOf(label, n);
    }
    if (n == 0) {
      throw new DatasetException(root + ": no readable images");
    }
    return new ByteImages(pixels, label, options.channels(), options.height(), options.width(), classNames);
  }

  /** {@code image} as CHW values in [0, 1] with the options' channels and stored size. */
  static void convert(BufferedImage image, Options options, float[] out) {
    int h = image.getHeight();
    int w = image.getWidth();
    int plane = h * w;
    boolean gray = image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
        && !(image.getColorModel() instanceof IndexColorModel);
    float[] src;
    int srcChannels;
    if (gray) {
      Raster raster = image.getRaster();
      int bits = image.getColorModel().getComponentSize(0);
      float max = (1 << bits) - 1;
      src = new float[plane];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          src[y * w + x] = raster.getSample(x, y, 0) / max;
        }
      }
      srcChannels = 1;
    } else {
      int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
      src = new float[3 * plane];
      for (int k = 0; k < plane; k++) {
        int p = rgb[k];
        src[k] = ((p >> 16) & 0xff) / 255f;
        src[plane + k] = ((p >> 8) & 0xff) / 255f;
        src[2 * plane + k] = (p & 0xff) / 255f;
      }
      srcChannels = 3;
    }
    if (options.channels() == 1 && srcChannels == 3) {
      float[] luminance = new float[plane];
      for (int k = 0; k < plane; k++) {
        luminance[k] = 0.299f * src[k] + 0.587f * src[plane + k] + 0.114f * src[2 * plane + k];
      }
      src = luminance;
      srcChannels = 1;
    }
    int oh = options.height();
    int ow = options.width();
    float[] scratch = new float[h * ow];
    for (int c = 0; c < options.channels(); c++) {
      int from = srcChannels == 1 ? 0 : c * plane;
      Resampler.resize(src, from, h, w, out, c * oh * ow, oh, ow, scratch);
    }
  }
}
