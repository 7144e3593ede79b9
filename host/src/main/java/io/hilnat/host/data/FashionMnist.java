package io.hilnat.host.data;

import java.nio.file.Path;
import java.util.List;

/** Fashion-MNIST (60,000 + 10,000 gray 28×28 images, 10 classes) from IDX files, gzipped or raw. */
public final class FashionMnist {

  /** Where Debian's {@code dataset-fashion-mnist} puts the files. */
  public static final Path DEBIAN_DIR = IdxFiles.DEBIAN_FASHION_MNIST;

  public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** Per-channel statistics of the 60,000 training images in [0, 1] (computed by {@link Normalization#of}). */
  public static final Normalization NORMALIZATION = new Normalization(new float[] {0.2860f}, new float[] {0.3530f});

  private FashionMnist() {}

  /** From Debian's folder. */
  public static TrainTest load() {
    return load(DEBIAN_DIR);
  }

  /** From {@code dir} holding {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]}. */
  public static TrainTest load(Path dir) {
    return new TrainTest(IdxFiles.load(dir, "train", CLASS_NAMES), IdxFiles.load(dir, "t10k", CLASS_NAMES));
  }

  /** MNIST digits from the same file layout (class names "0".."9"). */
  public static TrainTest loadMnist(Path dir) {
    List<String> digits = ByteImages.numberedClasses(10);
    return new TrainTest(IdxFiles.load(dir, "train", digits), IdxFiles.load(dir, "t10k", digits));
  }
}
