package io.hilnat.host.data;

import java.nio.file.Path;

/** Datasets by name on the command line: {@code fashion-mnist} or {@code fashion-mnist:DIR}, {@code idx:DIR}. */
public final class Datasets {

  /** A training and a test split. */
  public record Splits(ImageSet train, ImageSet test) {}

  private Datasets() {}

  public static Splits load(String spec) {
    String name = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
    String location = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : null;
    Path dir = switch (name) {
      case "fashion-mnist" -> location == null ? IdxFiles.DEBIAN_FASHION_MNIST : Path.of(location);
      case "idx" -> {
        if (location == null) {
          throw new DatasetException("idx needs a folder: idx:/path/to/folder");
        }
        yield Path.of(location);
      }
      default -> throw new DatasetException("unknown dataset '" + spec
          + "': use fashion-mnist, fashion-mnist:DIR or idx:DIR (MNIST-style IDX files, gzipped or not)");
    };
    return new Splits(IdxFiles.load(dir, "train"), IdxFiles.load(dir, "t10k"));
  }
}
