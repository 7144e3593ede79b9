package io.hilnat.host.supernet.training;

import ai.djl.ndarray.NDManager;
import io.hilnat.host.data.Batches;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.supernet.Supernet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Fine-tunes one subnet alone from the weights it inherits (the supernet's slices it reads), on labels with
 * label smoothing: what one does with a found subnet before shipping it, and SSWP-NAS's label-scarce step. The
 * shared weights change under every other subnet too, so fine-tune once the supernet is no longer needed as one.
 */
public final class SubnetFineTuning {

  /** Peak learning rate: a tenth of supernet training's, since the weights start trained. */
  public static final double LEARNING_RATE = 0.01;
  public static final int BATCH = 64;

  private SubnetFineTuning() {}

  /**
   * A trainer of {@code arch} alone whose linear warm-up lasts {@code rampSteps}; {@code augment}: random shifts,
   * which pay over many epochs on few labels and cost accuracy within an epoch or two (see
   * {@link SupernetTrainer.Config}).
   */
  public static SupernetTrainer trainer(Supernet net, Batches train, int rampSteps, long seed, boolean augment,
      NDManager manager) {
    return new SupernetTrainer(net, train, new SupernetTrainer.Config(BATCH, LEARNING_RATE, 0.9, 3e-5, 0, 0.1,
        rampSteps, seed, 0, augment), manager);
  }

  /**
   * Fine-tunes {@code arch} for {@code epochs} passes over {@code train} or, when {@code minutes} is above 0, for
   * about so many minutes (the step count sized from the pace of the first steps and re-sized as it goes), with a
   * progress bar and checkpoints of the supernet into {@code dir}; returns the steps trained.
   */
  public static long run(Supernet net, Architecture arch, Batches train, double epochs, double minutes, Path dir,
      String data, long seed, boolean augment, NDManager manager) throws IOException {
    Function<Random, List<Architecture>> alone = random -> List.of(arch);
    try (NDManager scope = manager.newSubManager()) {
      if (minutes > 0) {
        SupernetTrainer trainer = trainer(net, train, SupernetTraining.TIMING_STEPS, seed, augment, scope);
        return SupernetTraining.runFor("fine-tune", net, trainer, alone, dir, data, 0, minutes * 60, Integer.MAX_VALUE,
            length -> { });
      }
      long steps = Math.max(1, Math.round(epochs * train.set().count() / BATCH));
      SupernetTrainer trainer = trainer(net, train, (int) Math.max(1, steps / 20), seed, augment, scope);
      return SupernetTraining.run("fine-tune", net, trainer, alone, dir, data, 0, steps, Integer.MAX_VALUE);
    }
  }
}
