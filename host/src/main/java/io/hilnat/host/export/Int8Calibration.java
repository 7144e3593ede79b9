package io.hilnat.host.export;

import java.util.List;

/**
 * What an int8 export is calibrated on: training images as the network sees them (CHW, normalised with the
 * training set's {@code mean} and {@code std}, one value for every channel), and the percentiles of each tensor's
 * values taken as its range (0 and 100: min and max).
 */
public record Int8Calibration(List<float[]> images, float mean, float std, double lowPercentile,
    double highPercentile) {

  /** TFLite's converter asks for 100–500 representative images; fewer leave ranges to chance. */
  public static final int MIN_IMAGES = 200;

  public Int8Calibration {
    if (images.size() < MIN_IMAGES) {
      throw new IllegalArgumentException("int8 calibration needs at least " + MIN_IMAGES + " images, got "
          + images.size());
    }
    if (!(lowPercentile >= 0 && lowPercentile < highPercentile && highPercentile <= 100)) {
      throw new IllegalArgumentException("calibration percentiles must satisfy 0 <= low < high <= 100, got "
          + lowPercentile + " and " + highPercentile);
    }
    long zeroPoint = Math.round(255.0 * mean);
    if (!(std > 0) || zeroPoint < 0 || zeroPoint > 255) {
      throw new IllegalArgumentException("the normalisation (mean " + mean + ", std " + std + ") of pixels in [0, 1] "
          + "cannot be a uint8 input's quantisation");
    }
    images = List.copyOf(images);
  }

  /**
   * {@value #MIN_IMAGES} uniform random inputs in [0, 1], unnormalised: for exports whose latency is measured, not
   * their accuracy (ranges do not change the work).
   */
  public static Int8Calibration random(int values, long seed) {
    java.util.Random random = new java.util.Random(seed);
    List<float[]> images = new java.util.ArrayList<>();
    for (int i = 0; i < MIN_IMAGES; i++) {
      float[] image = new float[values];
      for (int k = 0; k < values; k++) {
        image[k] = random.nextFloat();
      }
      images.add(image);
    }
    return new Int8Calibration(images, 0f, 1f, 0, 100);
  }

  /** The uint8 pixels' scale: real = (pixel - zeroPoint) · scale = (pixel / 255 - mean) / std. */
  float inputScale() {
    return (float) (1 / (255.0 * std));
  }

  int inputZeroPoint() {
    return (int) Math.round(255.0 * mean);
  }
}
