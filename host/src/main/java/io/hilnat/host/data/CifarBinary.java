package io.hilnat.host.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 and CIFAR-100 in their binary versions (the "-binary.tar.gz" downloads, unpacked):
 * CIFAR-10 {@code data_batch_1..5.bin} and {@code test_batch.bin}, records of 1 label byte + 3072 pixel bytes;
 * CIFAR-100 {@code train.bin} and {@code test.bin}, records of a coarse and a fine label byte + 3072 pixel bytes.
 * Pixels are 1024 red, 1024 green, 1024 blue values, row-major 32×32 (already CHW).
 * Files may sit in {@code dir} or in the archive's own sub-folder ({@code cifar-10-batches-bin},
 * {@code cifar-100-binary}).
 */
public final class CifarBinary {

  public static final int SIDE = 32;
  public static final int PIXELS = 3 * SIDE * SIDE;

  public static final List<String> CIFAR10_CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
      "frog", "horse", "ship", "truck");

  /** Training-set statistics in [0, 1], per channel (R, G, B). */
  public static final Normalization CIFAR10_NORMALIZATION =
      new Normalization(new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});

  public static final Normalization CIFAR100_NORMALIZATION =
      new Normalization(new float[] {0.5071f, 0.4865f, 0.4409f}, new float[] {0.2673f, 0.2564f, 0.2762f});

  private CifarBinary() {}

  public static TrainTest loadCifar10(Path dir) {
    Path d = resolve(dir, "cifar-10-batches-bin", "data_batch_1.bin", "CIFAR-10");
    List<Path> train = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      train.add(d.resolve("data_batch_" + i + ".bin"));
    }
    List<String> names = names(d.resolve("batches.meta.txt"), CIFAR10_CLASSES);
    return new TrainTest(read(train, 1, 0, names), read(List.of(d.resolve("test_batch.bin")), 1, 0, names));
  }

  /** CIFAR-100 with its 100 fine labels ({@code fine = true}) or its 20 coarse super-classes. */
  public static TrainTest loadCifar100(Path dir, boolean fine) {
    Path d = resolve(dir, "cifar-100-binary", "train.bin", "CIFAR-100");
    List<String> names = names(d.resolve(fine ? "fine_label_names.txt" : "coarse_label_names.txt"),
        ByteImages.numberedClasses(fine ? 100 : 20));
    int labelByte = fine ? 1 : 0;
    return new TrainTest(read(List.of(d.resolve("train.bin")), 2, labelByte, names),
        read(List.of(d.resolve("test.bin")), 2, labelByte, names));
  }

  /** Class names from the archive's text file when it is there and has one name per class. */
  private static List<String> names(Path file, List<String> fallback) {
    if (!Files.isRegularFile(file)) {
      return fallback;
    }
    try {
      List<String> names = Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
      return names.size() == fallback.size() ? names : fallback;
    } catch (IOException e) {
      return fallback;
    }
  }

  private static Path resolve(Path dir, String archiveFolder, String probe, String name) {
    if (Files.isRegularFile(dir.resolve(probe))) {
      return dir;
    }
    if (Files.isRegularFile(dir.resolve(archiveFolder).resolve(probe))) {
      return dir.resolve(archiveFolder);
    }
    throw new DatasetException("missing " + dir.resolve(probe) + " (also looked in " + dir.resolve(archiveFolder)
        + "): pass a folder holding " + name + "'s binary version (the -binary.tar.gz download, unpacked)");
  }

  /**
   * Records of {@code labelBytes} label bytes + 3072 pixels from {@code files}, concatenated; the label is byte
   * {@code labelIndex} of each record.
   */
  static ByteImages read(List<Path> files, int labelBytes, int labelIndex, List<String> classNames) {
    int record = labelBytes + PIXELS;
    List<byte[]> contents = new ArrayList<>();
    long total = 0;
    for (Path file : files) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new DatasetException("missing " + file + ": the binary CIFAR download has it; is the archive"
            + " unpacked completely?", e);
      } catch (IOException e) {
        throw new DatasetException(file + ": cannot read (" + e + ")", e);
      }
      if (bytes.length == 0 || bytes.length % record != 0) {
        String other = bytes.length % (record == PIXELS + 1 ? PIXELS + 2 : PIXELS + 1) == 0 && bytes.length > 0
            ? " — the length fits " + (record == PIXELS + 1 ? "CIFAR-100 (2 label bytes)" : "CIFAR-10 (1 label byte)")
                + " records; wrong dataset name?"
            : " (truncated or not a CIFAR binary file?)";
        throw new DatasetException(file + ": " + bytes.length + " bytes is not a whole number of " + record
            + "-byte records (" + labelBytes + " label byte" + (labelBytes > 1 ? "s" : "") + " + 3072 pixels)" + other);
      }
      contents.add(bytes);
      total += bytes.length / record;
    }
    if (total * PIXELS > Integer.MAX_VALUE - 8) {
      throw new DatasetException(files + ": too many images for one array (" + total + ")");
    }
    int n = (int) total;
    byte[] pixels = new byte[n * PIXELS];
    int[] labels = new int[n];
    int image = 0;
    for (int f = 0; f < files.size(); f++) {
      byte[] bytes = contents.get(f);
      for (int r = 0; r < bytes.length / record; r++, image++) {
        int label = bytes[r * record + labelIndex] & 0xff;
        if (label >= classNames.size()) {
          throw new DatasetException(files.get(f) + ": record " + r + " has label " + label + "; expected 0.."
              + (classNames.size() - 1) + " (wrong dataset name, or CIFAR-10 vs CIFAR-100?)");
        }
        labels[image] = label;
        System.arraycopy(bytes, r * record + labelBytes, pixels, image * PIXELS, PIXELS);
      }
    }
    return new ByteImages(pixels, labels, 3, SIDE, SIDE, classNames);
  }
}
