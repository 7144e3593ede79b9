package io.hilnat.host.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.host.search.RunStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunClockTest {

  @TempDir Path dir;

  @Test
  void aResumedRunCountsTheTimeItsEarlierProcessesSpent() throws Exception {
    try (RunStore store = RunStore.open(dir)) {
      RunClock fresh = RunClock.resume(store);
      assertTrue(fresh.elapsedSeconds() < 5, "a new run starts at zero");
      store.putMeta(RunClock.ELAPSED, "1500.0"); // as a process killed 25 minutes in left it
    }
    try (RunStore store = RunStore.open(dir)) {
      RunClock resumed = RunClock.resume(store);
      assertTrue(resumed.elapsedSeconds() >= 1500, "resumed at " + resumed.elapsedSeconds());
      assertTrue((System.nanoTime() - resumed.origin()) / 1e9 >= 1500, "deadlines count from the run's start");
      resumed.checkpoint();
      assertTrue(Double.parseDouble(store.meta(RunClock.ELAPSED).orElseThrow()) >= 1500);
    }
  }
}
