package io.hilnat.host.data;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link ImageDataset} stored as one byte per value (uint8, CHW per image, images back to back):
 * 60,000 × 28 × 28 Fashion-MNIST is 47 MB, 50,000 × 3 × 32 × 32 CIFAR is 154 MB.
 */
public final class ByteImages implements ImageDataset {

  private final byte[] pixels;
  private final int[] labels;
  private final int channels;
  private final int height;
  private final int width;
  private final List<String> classNames;

  public ByteImages(byte[] pixels, int[] labels, int channels, int height, int width, List<String> classNames) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, not " + channels);
    }
    if (pixels.length != (long) labels.length * channels * height * width) {
      throw new IllegalArgumentException(pixels.length + " values do not make " + labels.length + " images of "
          + channels + "x" + height + "x" + width);
    }
    for (int l : labels) {
      if (l < 0 || l >= classNames.size()) {
        throw new IllegalArgumentException("label " + l + " outside 0.." + (classNames.size() - 1));
      }
    }
    this.pixels = pixels;
    this.labels = labels;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.classNames = List.copyOf(classNames);
  }

  /** Class names "0", "1", … for sets without names. */
  public static List<String> numberedClasses(int n) {
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(Integer.toString(i));
    }
    return names;
  }

  /** A view of the older square {@link ImageSet} (shares its arrays). */
  public static ByteImages of(ImageSet set, List<String> classNames) {
    return new ByteImages(set.pixels(), set.labels(), set.channels(), set.size(), set.size(), classNames);
  }

  /** This set as the square {@link ImageSet} the supernet trainer's {@link Batches} takes (shares arrays). */
  public ImageSet toImageSet() {
    if (height != width) {
      throw new DatasetException("images are " + height + "x" + width + "; ImageSet needs square images "
          + "(load image folders with a square stored size)");
    }
    return new ImageSet(pixels, labels, channels, height, classNames.size());
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public int channels() {
    return channels;
  }

  @Override
  public int height() {
    return height;
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public int numClasses() {
    return classNames.size();
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  /** Values per image (C·H·W). */
  public int imageValues() {
    return channels * height * width;
  }

  /** The backing uint8 values (not a copy; do not modify). */
  public byte[] pixels() {
    return pixels;
  }

  @Override
  public float[] image(int i) {
    int n = imageValues();
    float[] out = new float[n];
    int base = i * n;
    for (int k = 0; k < n; k++) {
      out[k] = (pixels[base + k] & 0xff) / 255f;
    }
    return out;
  }

  @Override
  public int label(int i) {
    return labels[i];
  }

  @Override
  public int[] labels() {
    return labels;
  }

  @Override
  public ByteImages subset(int[] indices) {
    int n = imageValues();
    byte[] p = new byte[indices.length * n];
    int[] l = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(pixels, indices[i] * n, p, i * n, n);
      l[i] = labels[indices[i]];
    }
    return new ByteImages(p, l, channels, height, width, classNames);
  }

  /** Images per class. */
  public int[] classCounts() {
    int[] counts = new int[numClasses()];
    for (int l : labels) {
      counts[l]++;
    }
    return counts;
  }
}
