package io.hilnat.host.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Images for an int8 export's calibration: a seeded random draw of a set, as the network sees them. */
public final class CalibrationImages {

  private CalibrationImages() {}

  /** {@code count} images of {@code batches} at {@code resolution}, normalised, CHW, without augmentation. */
  public static List<float[]> draw(Batches batches, int count, int resolution, long seed, NDManager manager) {
    if (count > batches.set().count()) {
      throw new IllegalArgumentException("calibration wants " + count + " images, the set has "
          + batches.set().count());
    }
    int[] order = batches.shuffled(new Random(seed));
    List<float[]> images = new ArrayList<>();
    try (NDManager scope = manager.newSubManager()) {
      NDArray all = batches.images(scope, order, 0, count, resolution, null);
      float[] values = all.toFloatArray();
      int per = values.length / count;
      for (int i = 0; i < count; i++) {
        float[] image = new float[per];
        System.arraycopy(values, i * per, image, 0, per);
        images.add(image);
      }
    }
    return images;
  }
}
