package io.hilnat.host.supernet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import io.hilnat.host.space.Architecture;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Runs a trainer for a number of steps with a progress bar (loss, images/s, time left) and periodic
 * checkpoints, so a long run shows where it is and a killed one resumes from its last checkpoint.
 */
public final class SupernetTraining {

  private SupernetTraining() {}

  /**
   * Trains from step {@code done} to {@code total}, checkpointing into {@code dir} every
   * {@code checkpointEvery} steps and at the end; returns the step reached.
   */
  public static long run(String task, Supernet net, Trainer trainer,
      Function<Random, List<Architecture>> subnets, Path dir, String data, long done, long total,
      int checkpointEvery) throws IOException {
    long start = System.nanoTime();
    long[] images = {0};
    long[] reached = {done};
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).startsFrom(done, Duration.ZERO).build()) {
      trainer.train(done, total - done, total, new Random(done), subnets, (i, r) -> {
        images[0] += r.images();
        reached[0] = i + 1;
        bar.stepTo(i + 1);
        bar.setExtraMessage(String.format(Locale.ROOT, " loss %.3f, %.0f img/s", r.loss(),
            images[0] / ((System.nanoTime() - start) / 1e9)));
        if ((i + 1) % checkpointEvery == 0) {
          try {
            SupernetCheckpoint.save(net, dir, data, i + 1);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }, () -> true);
    }
    SupernetCheckpoint.save(net, dir, data, reached[0]);
    return reached[0];
  }
}
