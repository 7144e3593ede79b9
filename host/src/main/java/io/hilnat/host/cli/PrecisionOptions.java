package io.hilnat.host.cli;

import ai.djl.ndarray.NDManager;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.CalibrationImages;
import io.hilnat.host.export.Int8Calibration;
import io.hilnat.host.export.Precision;
import picocli.CommandLine.Option;

/** {@code --precision fp32|int8} and how an int8 export is calibrated. */
public final class PrecisionOptions {

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|int8",
      description = "fp32: float32 in [0, 1]; int8: full-integer, uint8 pixels in (default ${DEFAULT-VALUE})")
  String precision;

  @Option(names = "--calibration-images", defaultValue = "256",
      description = "int8: training images its activation ranges come from, at least 200 (default ${DEFAULT-VALUE})")
  int calibrationImages;

  @Option(names = "--calibration-percentile", defaultValue = "100",
      description = "int8: each tensor's range spans this percentile of its values and its mirror (100: min..max; "
          + "e.g. 99.99 clips outliers) (default ${DEFAULT-VALUE})")
  double calibrationPercentile;

  boolean int8() {
    return Precision.isInt8(precision);
  }

  /** The calibration of an int8 export from {@code batches} (the training images), or null for fp32. */
  Int8Calibration calibration(Batches batches, int resolution, NDManager manager) {
    if (!int8()) {
      return null;
    }
    if (calibrationImages < Int8Calibration.MIN_IMAGES) {
      throw new IllegalArgumentException("--calibration-images must be at least " + Int8Calibration.MIN_IMAGES
          + ", got " + calibrationImages);
    }
    return new Int8Calibration(CalibrationImages.draw(batches, calibrationImages, resolution, 1, manager),
        batches.mean(), batches.std(), 100 - calibrationPercentile, calibrationPercentile);
  }
}
