package io.hilnat.host.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * MNIST-style IDX files (big-endian; images magic 0x00000803, labels 0x00000801), gzipped or raw:
 * MNIST and Fashion-MNIST. Debian's {@code dataset-fashion-mnist} installs them under
 * {@code /usr/share/datasets/fashion-mnist}.
 */
public final class IdxFiles {

  public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  private IdxFiles() {}

  /** {@code split} is {@code train} or {@code t10k}. */
  public static ImageSet load(Path dir, String split) {
    Path images = find(dir, split + "-images-idx3-ubyte");
    Path labels = find(dir, split + "-labels-idx1-ubyte");
    int[] label = readLabels(labels);
    int[] dims = new int[3];
    byte[] pixels = readImages(images, dims);
    if (dims[0] != label.length) {
      throw new DatasetException(images + " holds " + dims[0] + " images but " + labels + " holds " + label.length
          + " labels: the two files must come from the same split");
    }
    if (dims[1] != dims[2]) {
      throw new DatasetException(images + ": images are " + dims[1] + "x" + dims[2] + "; square images expected");
    }
    int classes = 0;
    for (int l : label) {
      classes = Math.max(classes, l + 1);
    }
    return new ImageSet(pixels, label, 1, dims[1], classes);
  }

  /**
   * {@code split} ({@code train} or {@code t10k}) as an {@link ImageDataset} with {@code classNames}; every label
   * must be below {@code classNames.size()} (the error names the label file).
   */
  public static ByteImages load(Path dir, String split, List<String> classNames) {
    ImageSet set = load(dir, split);
    for (int i = 0; i < set.count(); i++) {
      if (set.labels()[i] >= classNames.size()) {
        Path labels = find(dir, split + "-labels-idx1-ubyte");
        throw new DatasetException(labels + ": label " + set.labels()[i] + " at index " + i + "; expected values 0.."
            + (classNames.size() - 1) + " (" + classNames.size() + " classes)");
      }
    }
    return new ByteImages(set.pixels(), set.labels(), 1, set.size(), set.size(), classNames);
  }

  private static Path find(Path dir, String base) {
    if (!Files.isDirectory(dir)) {
      String hint = dir.equals(DEBIAN_FASHION_MNIST)
          ? "install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or pass --data DIR"
          : "pass a folder holding " + base + "(.gz)";
      throw new DatasetException("missing folder " + dir + " (looked for " + base + ".gz): " + hint);
    }
    for (String name : new String[] {base + ".gz", base}) {
      Path file = dir.resolve(name);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    String hint = dir.equals(DEBIAN_FASHION_MNIST)
        ? "install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or pass the folder"
        : "pass a folder holding the IDX files (gzipped or not)";
    throw new DatasetException("missing " + dir.resolve(base + ".gz") + " (or " + base + "): " + hint);
  }

  private static String hint(int magic, String what) {
    if ((magic >>> 16) == 0x1f8b) {
      return " — is the file gzipped twice? (gunzip it once)";
    }
    if (magic == 0x00000801 || magic == 0x00000803) {
      return " — the image and label files look swapped";
    }
    return " (is this " + what + " in MNIST's IDX format?)";
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
    in.reset();
    return new DataInputStream(gzip ? new GZIPInputStream(in, 1 << 16) : in);
  }

  private static int[] readLabels(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != 0x00000801) {
        throw new DatasetException(file + ": expected IDX label magic 0x00000801, found 0x"
            + String.format("%08x", magic) + hint(magic, "a label file"));
      }
      int n = in.readInt();
      if (n < 0) {
        throw new DatasetException(file + ": header says " + n + " labels; expected a count >= 0 (corrupt file?)");
      }
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        labels[i] = in.readUnsignedByte();
      }
      return labels;
    } catch (EOFException e) {
      throw new DatasetException(file + ": file ends early (truncated download?)", e);
    } catch (IOException e) {
      throw new DatasetException(file + ": " + e.getMessage(), e);
    }
  }

  private static byte[] readImages(Path file, int[] dims) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != 0x00000803) {
        throw new DatasetException(file + ": expected IDX image magic 0x00000803, found 0x"
            + String.format("%08x", magic) + hint(magic, "an image file"));
      }
      dims[0] = in.readInt();
      dims[1] = in.readInt();
      dims[2] = in.readInt();
      if (dims[0] < 0 || dims[1] <= 0 || dims[2] <= 0 || (long) dims[0] * dims[1] * dims[2] > Integer.MAX_VALUE - 8) {
        throw new DatasetException(file + ": header says " + dims[0] + " images of " + dims[1] + "x" + dims[2]
            + "; expected a count >= 0 and sizes > 0 that fit in memory (corrupt file?)");
      }
      byte[] pixels = new byte[dims[0] * dims[1] * dims[2]];
      in.readFully(pixels);
      return pixels;
    } catch (EOFException e) {
      throw new DatasetException(file + ": file ends early (truncated download?)", e);
    } catch (IOException e) {
      throw new DatasetException(file + ": " + e.getMessage(), e);
    }
  }
}
