package io.hilnat.host.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A dataset named on the command line. Accepted forms:
 * <ul>
 *   <li>{@code fashion-mnist} (Debian's {@code /usr/share/datasets/fashion-mnist}) or {@code fashion-mnist:DIR}
 *   <li>{@code mnist:DIR} or {@code idx:DIR} (MNIST-layout IDX files, gzipped or not)
 *   <li>{@code cifar10:DIR}, {@code cifar100:DIR} (fine labels), {@code cifar100-coarse:DIR} (binary versions)
 *   <li>{@code folder:DIR} with optional {@code ?size=N&channels=1|3} (defaults 64 and 3): {@code DIR/train/<class>/}
 *       and {@code DIR/test/<class>/} (or {@code val/}); a folder without {@code train/} is split with
 *       {@link DataSplit#stratified} (10 % test, seed 0)
 * </ul>
 */
public record DatasetSpec(String kind, Path location, int size, int channels) {

  public static final String FORMS = "fashion-mnist, fashion-mnist:DIR, mnist:DIR, idx:DIR, cifar10:DIR, "
      + "cifar100:DIR, cifar100-coarse:DIR, folder:DIR[?size=N&channels=1|3]";

  public static DatasetSpec parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new DatasetException("no dataset given: use one of " + FORMS);
    }
    int colon = spec.indexOf(':');
    String kind = (colon < 0 ? spec : spec.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
    String rest = colon < 0 ? null : spec.substring(colon + 1);
    int size = 64;
    int channels = 3;
    if (rest != null && kind.equals("folder") && rest.contains("?")) {
      String query = rest.substring(rest.indexOf('?') + 1);
      rest = rest.substring(0, rest.indexOf('?'));
      for (String part : query.split("&")) {
        String[] kv = part.split("=", 2);
        try {
          switch (kv[0]) {
            case "size" -> size = Integer.parseInt(kv[1]);
            case "channels" -> channels = Integer.parseInt(kv[1]);
            default -> throw new DatasetException("'" + spec + "': unknown option '" + kv[0]
                + "'; folder takes ?size=N&channels=1|3");
          }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
          throw new DatasetException("'" + spec + "': option '" + part + "' needs a whole number, e.g. size=64", e);
        }
      }
      if (size <= 0 || (channels != 1 && channels != 3)) {
        throw new DatasetException("'" + spec + "': size must be > 0 and channels 1 or 3");
      }
    }
    if (rest != null && rest.isBlank()) {
      rest = null;
    }
    switch (kind) {
      case "fashion-mnist", "fashionmnist", "fmnist" -> {
        return new DatasetSpec("fashion-mnist", rest == null ? FashionMnist.DEBIAN_DIR : Path.of(rest), 28, 1);
      }
      case "mnist", "idx", "cifar10", "cifar-10", "cifar100", "cifar-100", "cifar100-coarse", "folder" -> {
        if (rest == null) {
          throw new DatasetException("'" + spec + "' needs a folder: " + kind + ":/path/to/folder (forms: " + FORMS
              + ")");
        }
        String k = switch (kind) {
          case "cifar-10" -> "cifar10";
          case "cifar-100" -> "cifar100";
          default -> kind;
        };
        return new DatasetSpec(k, Path.of(rest), k.startsWith("cifar") ? 32 : size,
            k.startsWith("cifar") ? 3 : k.equals("folder") ? channels : 1);
      }
      default -> throw new DatasetException("unknown dataset '" + spec + "': use one of " + FORMS);
    }
  }

  /** Loads the training and test sets. */
  public TrainTest load() {
    return switch (kind) {
      case "fashion-mnist" -> FashionMnist.load(location);
      case "mnist", "idx" -> FashionMnist.loadMnist(location);
      case "cifar10" -> CifarBinary.loadCifar10(location);
      case "cifar100" -> CifarBinary.loadCifar100(location, true);
      case "cifar100-coarse" -> CifarBinary.loadCifar100(location, false);
      case "folder" -> loadFolder();
      default -> throw new IllegalStateException(kind);
    };
  }

  private TrainTest loadFolder() {
    ImageFolder.Options options = ImageFolder.Options.of(channels, size);
    Path train = location.resolve("train");
    if (Files.isDirectory(train)) {
      Path test = Files.isDirectory(location.resolve("test")) ? location.resolve("test") : location.resolve("val");
      if (!Files.isDirectory(test)) {
        throw new DatasetException("missing " + location.resolve("test") + " (or val/): " + train
            + " exists, so a test folder with the same class sub-folders is expected");
      }
      ByteImages a = ImageFolder.load(train, options);
      ByteImages b = ImageFolder.load(test, options);
      if (!a.classNames().equals(b.classNames())) {
        throw new DatasetException(test + ": class folders " + b.classNames() + " differ from " + train + "'s "
            + a.classNames());
      }
      return new TrainTest(a, b);
    }
    ByteImages all = ImageFolder.load(location, options);
    DataSplit split = DataSplit.stratified(all.labels(), 0.1, 0);
    return new TrainTest(all.subset(split.train()), all.subset(split.validation()));
  }
}
