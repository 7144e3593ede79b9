package io.hilnat.host.data;

/**
 * Training-time augmentation for small images, applied at the stored resolution before resizing: a random crop
 * from the image padded by {@code pad} pixels of black (shift by −pad..pad each way), a horizontal flip with
 * probability ½ when {@code flip}, and a brightness factor in [1−brightness, 1+brightness] and contrast factor in
 * [1−contrast, 1+contrast] (torchvision's ColorJitter semantics) when non-zero.
 */
public record Augmentation(int pad, boolean flip, float brightness, float contrast) {

  public Augmentation {
    if (pad < 0 || brightness < 0 || brightness >= 1 || contrast < 0 || contrast >= 1) {
      throw new IllegalArgumentException("pad >= 0, brightness and contrast in [0, 1): " + pad + ", " + brightness
          + ", " + contrast);
    }
  }

  public static Augmentation none() {
    return new Augmentation(0, false, 0, 0);
  }

  /** Pad-and-crop and (when {@code flip}) flips: the usual CIFAR recipe (pad 4 at 32 px); flip off for digits. */
  public static Augmentation cropAndFlip(int pad, boolean flip) {
    return new Augmentation(pad, flip, 0, 0);
  }

  /** Crop, flip and brightness/contrast jitter of 0.4 each, for two-view contrastive learning. */
  public static Augmentation contrastive(int pad, boolean flip) {
    return new Augmentation(pad, flip, 0.4f, 0.4f);
  }

  public boolean isNone() {
    return pad == 0 && !flip && brightness == 0 && contrast == 0;
  }
}
