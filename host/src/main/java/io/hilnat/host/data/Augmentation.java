package io.hilnat.host.data;

/**
 * Training-time augmentation for small images, applied at the stored resolution before resizing:
 * <ul>
 *   <li>either a random-resized crop of {@code cropScale} to all of the image's area, at an aspect ratio in [3/4,
 *       4/3], resized to the resolution asked for (when {@code cropScale} is above 0), or a random crop from the
 *       image padded by {@code pad} pixels of black (a shift by −pad..pad each way);
 *   <li>a horizontal flip with probability ½ when {@code flip};
 *   <li>brightness, contrast and (RGB only) saturation factors in [1−x, 1+x] when non-zero (torchvision's
 *       ColorJitter semantics), and (RGB only) a hue shift of up to {@code hue} of a turn either way;
 *   <li>(RGB only) grey, with probability {@code grey}.
 * </ul>
 */
public record Augmentation(int pad, boolean flip, float brightness, float contrast, float cropScale,
    float saturation, float grey, float hue) {

  public Augmentation {
    if (pad < 0 || brightness < 0 || brightness >= 1 || contrast < 0 || contrast >= 1 || saturation < 0
        || saturation >= 1 || cropScale < 0 || cropScale > 1 || grey < 0 || grey > 1 || hue < 0 || hue > 0.5) {
      throw new IllegalArgumentException("pad >= 0; brightness, contrast and saturation in [0, 1); cropScale and "
          + "grey in [0, 1]; hue in [0, 0.5]: " + this);
    }
  }

  public Augmentation(int pad, boolean flip, float brightness, float contrast) {
    this(pad, flip, brightness, contrast, 0, 0, 0, 0);
  }

  public static Augmentation none() {
    return new Augmentation(0, false, 0, 0);
  }

  /** Pad-and-crop and (when {@code flip}) flips: the usual CIFAR recipe (pad 4 at 32 px); flip off for digits. */
  public static Augmentation cropAndFlip(int pad, boolean flip) {
    return new Augmentation(pad, flip, 0, 0);
  }

  /**
   * SimCLR's two views (Chen et al., 2020) for small images: a random-resized crop of 20-100 % of the area (SimCLR
   * uses 8 % on ImageNet; a 28-40 px image keeps too little at that), a flip, SimCLR's CIFAR colour jitter (0.4 in
   * brightness, contrast and saturation, 0.1 in hue) and grey with probability 0.2. The jitter is always applied
   * rather than with probability 0.8. Without the hue shift two views keep their hues, and telling images apart by
   * hue alone is the shortcut SimCLR's colour distortion exists to close.
   */
  public static Augmentation contrastive(boolean flip) {
    return new Augmentation(0, flip, 0.4f, 0.4f, 0.2f, 0.4f, 0.2f, 0.1f);
  }

  public boolean isNone() {
    return pad == 0 && !flip && brightness == 0 && contrast == 0 && cropScale == 0 && saturation == 0 && grey == 0
        && hue == 0;
  }
}
