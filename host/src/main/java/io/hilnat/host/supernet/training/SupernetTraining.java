package io.hilnat.host.supernet.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongBinaryOperator;
import java.util.function.LongConsumer;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Runs a trainer for a number of steps with a progress bar (loss, images/s, time left) and periodic
 * checkpoints, so a long run shows where it is and a killed one resumes from its last checkpoint.
 */
public final class SupernetTraining {

  /**
   * Steps a time-budgeted run takes to measure its pace: the first ten warm the JIT and allocator, twenty are timed.
   */
  public static final int TIMING_STEPS = 30;
  private static final int UNTIMED_STEPS = 10;
  /** Steps between re-sizings of a time-budgeted run's schedule. */
  public static final int RESIZE_EVERY = 50;

  private SupernetTraining() {}

  /**
   * Trains for about {@code seconds} of wall-clock time from now, from step {@code done}, checkpointing every
   * {@code checkpointEvery} steps and at the end: sizes the schedule from the pace of its first steps
   * ({@link #sizeToBudget}), then re-sizes it every {@link #RESIZE_EVERY} steps from the pace since then (checkpoints
   * included). {@code sized} sees the first length and each new one, for a resume to continue with (see {@link #run}).
   * Sized once, a 9-minute warm-up whose first steps ran faster than the rest overran by a minute, which the search's
   * fine-tune then lacked. Returns the step reached.
   */
  public static long runFor(String task, Supernet net, Trainer trainer, Function<Random, List<Architecture>> subnets,
      Path dir, String data, long done, double seconds, int checkpointEvery, LongConsumer sized) throws IOException {
    resume(trainer, dir, done);
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long length = sizeToBudget(task, net, trainer, subnets, dir, data, done, seconds);
    sized.accept(length);
    long from = done + TIMING_STEPS;
    long start = System.nanoTime();
    long reached = train(task, net, trainer, subnets, dir, data, from, length, length, checkpointEvery, step -> { },
        (at, current) -> {
          long now = System.nanoTime();
          long resized = stepsWithin((deadline - now) / 1e9, at, (now - start) / 1e9 / (at - from));
          if (resized != current) {
            sized.accept(resized);
          }
          return resized;
        });
    checkpoint(net, trainer, dir, data, reached);
    return reached;
  }

  /**
   * Trains steps {@code [done, done + TIMING_STEPS)}, times the last twenty (not the checkpoint written after them),
   * and returns the schedule length that fits {@code seconds} from now at that pace (at least the steps done). The
   * trainer's linear warm-up must cover these steps, so the learning rates they used do not depend on the length
   * chosen afterwards.
   */
  private static long sizeToBudget(String task, Supernet net, Trainer trainer,
      Function<Random, List<Architecture>> subnets, Path dir, String data, long done, double seconds)
      throws IOException {
    long start = System.nanoTime();
    long[] times = new long[2]; // when the untimed steps ended, when the last step ended
    long reached = train(task + " (pace)", net, trainer, subnets, dir, data, done, done + TIMING_STEPS,
        Long.MAX_VALUE / 4, Integer.MAX_VALUE, step -> {
          times[step < done + UNTIMED_STEPS ? 0 : 1] = System.nanoTime();
        }, FIXED);
    double secondsPerStep = (times[1] - times[0]) / 1e9 / (TIMING_STEPS - UNTIMED_STEPS);
    checkpoint(net, trainer, dir, data, reached);
    return stepsWithin(seconds - (System.nanoTime() - start) / 1e9, reached, secondsPerStep);
  }

  /** The steps done plus as many as {@code secondsLeft} holds at {@code secondsPerStep}. */
  static long stepsWithin(double secondsLeft, long done, double secondsPerStep) {
    return done + (long) Math.max(0, Math.floor(secondsLeft / secondsPerStep));
  }

  /**
   * Trains from step {@code done} to {@code total}, checkpointing into {@code dir} every
   * {@code checkpointEvery} steps and at the end; returns the step reached.
   */
  public static long run(String task, Supernet net, Trainer trainer,
      Function<Random, List<Architecture>> subnets, Path dir, String data, long done, long total,
      int checkpointEvery) throws IOException {
    resume(trainer, dir, done);
    long reached = train(task, net, trainer, subnets, dir, data, done, total, total, checkpointEvery, step -> { },
        FIXED);
    checkpoint(net, trainer, dir, data, reached);
    return reached;
  }

  /** The supernet and the trainer's own state (momentum, a projection head), so a resume goes on from both. */
  private static void checkpoint(Supernet net, Trainer trainer, Path dir, String data, long steps) throws IOException {
    SupernetCheckpoint.save(net, dir, data, steps);
    TrainerState.save(trainer, dir);
  }

  /** A run resumed at step {@code done} of {@code dir} takes back the trainer state checkpointed there. */
  private static void resume(Trainer trainer, Path dir, long done) throws IOException {
    if (done > 0) {
      TrainerState.restore(trainer, dir);
    }
  }

  /** Keeps the schedule length: (step reached, current length) -> current length. */
  private static final LongBinaryOperator FIXED = (reached, current) -> current;

  /**
   * Trains with a progress bar and periodic checkpoints (none at the end) to step {@code until}, the learning-rate
   * schedule being {@code scheduleSteps} long; every {@link #RESIZE_EVERY} steps {@code resize}, given the step
   * reached and the current length, may move both to a new length (not below the step reached). Each stretch
   * between re-sizings draws its subnets from a generator seeded with its first step, as a run resumed there does.
   * {@code onStep} sees each step's index.
   */
  private static long train(String task, Supernet net, Trainer trainer, Function<Random, List<Architecture>> subnets,
      Path dir, String data, long done, long until, long scheduleSteps, int checkpointEvery, LongConsumer onStep,
      LongBinaryOperator resize) {
    long start = System.nanoTime();
    long[] images = {0};
    long reached = done;
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(until)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).startsFrom(done, Duration.ZERO).build()) {
      while (reached < until) {
        long end = Math.min(until, (reached / RESIZE_EVERY + 1) * RESIZE_EVERY);
        trainer.train(reached, end - reached, scheduleSteps, new Random(reached), subnets, (i, r) -> {
          onStep.accept(i);
          images[0] += r.images();
          bar.stepTo(i + 1);
          bar.setExtraMessage(String.format(Locale.ROOT, " loss %.3f, %.0f img/s", r.loss(),
              images[0] / ((System.nanoTime() - start) / 1e9)));
          if ((i + 1) % checkpointEvery == 0) {
            try {
              checkpoint(net, trainer, dir, data, i + 1);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        }, () -> true);
        reached = end;
        if (reached < until) {
          long length = resize.applyAsLong(reached, until);
          if (length != until) {
            until = length;
            scheduleSteps = length;
            bar.maxHint(length);
          }
        }
      }
    }
    return reached;
  }
}
