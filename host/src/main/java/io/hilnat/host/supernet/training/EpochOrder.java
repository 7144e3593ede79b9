package io.hilnat.host.supernet.training;

import io.hilnat.host.data.Batches;
import java.util.Random;

/**
 * Which images each training step takes: epochs of a shuffle seeded by the epoch's number, cut into whole batches
 * (a last partial batch is left out). A step's images depend only on its number, so a resumed run takes the ones
 * an uninterrupted run would.
 */
final class EpochOrder {

  private final Batches data;
  private final int batch;
  private final int perEpoch;
  private final long seed;
  private int epoch = -1;
  private int[] order;

  EpochOrder(Batches data, int batchSize, long seed) {
    this.data = data;
    this.batch = Math.min(batchSize, data.set().count());
    this.perEpoch = data.set().count() / batch;
    this.seed = seed;
  }

  int batch() {
    return batch;
  }

  /** Step {@code step}'s epoch order; its images are {@link #from}{@code (step)} and the batch after it. */
  int[] order(long step) {
    int e = (int) (step / perEpoch);
    if (e != epoch) {
      epoch = e;
      order = data.shuffled(new Random(seed * 1_000_003L + e));
    }
    return order;
  }

  int from(long step) {
    return (int) (step % perEpoch) * batch;
  }
}
