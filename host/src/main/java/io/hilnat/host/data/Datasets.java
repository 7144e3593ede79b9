package io.hilnat.host.data;

import java.nio.file.Path;

/**
 * Datasets by name on the command line: {@code fashion-mnist}, {@code fashion-mnist:DIR}, {@code idx:DIR},
 * or {@code folder:DIR} (class sub-folders of PNG/JPEG images, 3 channels at 32 px, split 80/20 by seed).
 */
public final class Datasets {

  /** A training and a test split. */
  public record Splits(ImageSet train, ImageSet test) {}

  private Datasets() {}

  public static Splits load(String spec) {
    String name = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
    String location = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : null;
    if (name.equals("folder")) {
      if (location == null) {
        throw new DatasetException("folder needs a path: folder:/path/to/images");
      }
      return split(ImageFolders.load(Path.of(location), 3, 32), 0.2, 1);
    }
    Path dir = switch (name) {
      case "fashion-mnist" -> location == null ? IdxFiles.DEBIAN_FASHION_MNIST : Path.of(location);
      case "idx" -> {
        if (location == null) {
          throw new DatasetException("idx needs a folder: idx:/path/to/folder");
        }
        yield Path.of(location);
      }
      default -> throw new DatasetException("unknown dataset '" + spec
          + "': use fashion-mnist, fashion-mnist:DIR, idx:DIR (MNIST-style IDX files, gzipped or not) or "
          + "folder:DIR (one sub-folder of PNG/JPEG images per class)");
    };
    return new Splits(IdxFiles.load(dir, "train"), IdxFiles.load(dir, "t10k"));
  }

  /** A seeded split: {@code testFraction} of each class to the test side. */
  public static Splits split(ImageSet all, double testFraction, long seed) {
    java.util.List<Integer> train = new java.util.ArrayList<>();
    java.util.List<Integer> test = new java.util.ArrayList<>();
    java.util.Random random = new java.util.Random(seed);
    for (int c = 0; c < all.classes(); c++) {
      java.util.List<Integer> members = new java.util.ArrayList<>();
      for (int i = 0; i < all.count(); i++) {
        if (all.labels()[i] == c) {
          members.add(i);
        }
      }
      java.util.Collections.shuffle(members, random);
      int testCount = (int) Math.round(members.size() * testFraction);
      test.addAll(members.subList(0, testCount));
      train.addAll(members.subList(testCount, members.size()));
    }
    return new Splits(all.subset(train.stream().mapToInt(Integer::intValue).toArray()),
        all.subset(test.stream().mapToInt(Integer::intValue).toArray()));
  }
}
