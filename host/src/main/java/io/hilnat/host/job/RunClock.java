package io.hilnat.host.job;

import io.hilnat.host.search.RunStore;
import java.sql.SQLException;

/**
 * A search's running time across its processes: a resumed run counts the time its earlier processes spent, so
 * {@code --time-limit} bounds the run, not each process. Kept in the run's store at every checkpoint; a process
 * killed between two loses only the time since the last.
 */
final class RunClock {

  static final String ELAPSED = "elapsed_seconds";

  private final RunStore store;
  private final long origin;

  private RunClock(RunStore store, long origin) {
    this.store = store;
    this.origin = origin;
  }

  /** Continues from what the store holds (nothing for a new run). */
  static RunClock resume(RunStore store) throws SQLException {
    double before = store.meta(ELAPSED).map(Double::parseDouble).orElse(0.0);
    return new RunClock(store, System.nanoTime() - (long) (before * 1e9));
  }

  /** A {@code System.nanoTime()} value as if the whole run had been this process. */
  long origin() {
    return origin;
  }

  double elapsedSeconds() {
    return (System.nanoTime() - origin) / 1e9;
  }

  void checkpoint() {
    try {
      store.putMeta(ELAPSED, Double.toString(elapsedSeconds()));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot record the run's time in its store: " + e.getMessage(), e);
    }
  }
}
