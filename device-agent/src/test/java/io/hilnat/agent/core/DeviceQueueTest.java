package io.hilnat.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DeviceQueueTest {
  @Test
  void concurrentWorkNeverOverlaps() throws Exception {
    DeviceQueue queue = new DeviceQueue();
    List<long[]> intervals = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      futures.add(pool.submit(() -> queue.run(() -> {
        long start = System.nanoTime();
        long spin = start + 2_000_000L;
        while (System.nanoTime() < spin) {
          Thread.onSpinWait();
        }
        intervals.add(new long[] {start, System.nanoTime()});
        return null;
      })));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    assertEquals(12, intervals.size());
    intervals.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 1; i < intervals.size(); i++) {
      assertTrue(intervals.get(i)[0] >= intervals.get(i - 1)[1], "work " + i + " started before the previous ended");
    }
    assertEquals(0, queue.waiting());
  }
}
