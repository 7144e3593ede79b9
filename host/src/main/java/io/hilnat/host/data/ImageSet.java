package io.hilnat.host.data;

/**
 * Labelled images in memory, 8 bits per value, CHW per image: compact enough for Fashion-MNIST or
 * CIFAR on a laptop (60,000 × 28 × 28 = 47 MB).
 */
public record ImageSet(byte[] pixels, int[] labels, int channels, int size, int classes) {

  public ImageSet {
    if (pixels.length != (long) labels.length * channels * size * size) {
      throw new IllegalArgumentException("pixels do not match " + labels.length + " images of " + channels + "x"
          + size + "x" + size);
    }
  }

  public int count() {
    return labels.length;
  }

  public int imageBytes() {
    return channels * size * size;
  }

  /** The images at {@code indices}, in that order. */
  public ImageSet subset(int[] indices) {
    int n = imageBytes();
    byte[] p = new byte[indices.length * n];
    int[] l = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(pixels, indices[i] * n, p, i * n, n);
      l[i] = labels[indices[i]];
    }
    return new ImageSet(p, l, channels, size, classes);
  }
}
