package io.hilnat.host.job;

import io.hilnat.host.space.Architecture;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * What a run's final stage will cost, for the time limit's gate: it must start no iteration whose end would leave
 * too little time to test the front and export it. The final stage recalibrates and tests every front subnet on the
 * test images, as an accuracy evaluation does on the validation images: its cost is this process's recent
 * recalibration time plus its recent time per evaluated image times the test images. It also exports the spread
 * subnets (timed once, on the first subnet asked for) and, for int8, exports every front subnet and tests it again
 * through an agent (counted as one more test pass: the agent's int8 run is not timed before the final stage).
 */
final class FinalStageBudget {

  /** Exports one subnet as the run ships it. */
  interface Export {
    void run(Architecture arch) throws Exception;
  }

  /** Weight of the newest timing: the first evaluations of a process include the JIT's warm-up. */
  private static final double RECENT = 0.3;

  private final Consumer<Architecture> recalibrate;
  private final ToDoubleFunction<Architecture> accuracyAsIs;
  private final double testPerEvaluated;
  private final Export export;
  private final boolean int8;
  private double recalibrationSeconds = -1;
  private double passSeconds = -1;
  private double exportSeconds = -1;

  /**
   * @param recalibrate and {@code accuracyAsIs}: what the search's accuracy evaluation does, in two parts; it must
   *     call {@link #accuracy} so that this budget sees their cost
   * @param testPerEvaluated test images (or, for k-NN, images whose features the final test computes) per image of
   *     that evaluation
   */
  FinalStageBudget(Consumer<Architecture> recalibrate, ToDoubleFunction<Architecture> accuracyAsIs,
      double testPerEvaluated, Export export, boolean int8) {
    this.recalibrate = recalibrate;
    this.accuracyAsIs = accuracyAsIs;
    this.testPerEvaluated = testPerEvaluated;
    this.export = export;
    this.int8 = int8;
  }

  /** A subnet's top-1 as the search evaluates it, timed. */
  synchronized double accuracy(Architecture arch) {
    long start = System.nanoTime();
    recalibrate.accept(arch);
    long recalibrated = System.nanoTime();
    double accuracy = accuracyAsIs.applyAsDouble(arch);
    recalibrationSeconds = recent(recalibrationSeconds, (recalibrated - start) / 1e9);
    passSeconds = recent(passSeconds, (System.nanoTime() - recalibrated) / 1e9);
    return accuracy;
  }

  private static double recent(double average, double newest) {
    return average < 0 ? newest : (1 - RECENT) * average + RECENT * newest;
  }

  /**
   * Seconds the final stage needs for {@code frontSize} subnets of which {@code exports} are exported; {@code
   * sample} is evaluated (and exported) once to measure it when this process has not yet done so.
   */
  synchronized double seconds(int frontSize, int exports, Architecture sample) throws Exception {
    if (passSeconds < 0) {
      accuracy(sample);
    }
    if (exportSeconds < 0) {
      long start = System.nanoTime();
      export.run(sample);
      exportSeconds = (System.nanoTime() - start) / 1e9;
    }
    double test = recalibrationSeconds + passSeconds * testPerEvaluated;
    return int8 ? frontSize * (2 * test + exportSeconds) : frontSize * test + exports * exportSeconds;
  }
}
