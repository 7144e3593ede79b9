package io.hilnat.agent.core;

import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One measurement at a time on this device, first come first served: two benchmarks never share
 * the CPU. Callers learn how long they waited.
 */
public final class DeviceQueue {

  private final Semaphore device = new Semaphore(1, true);
  private final AtomicInteger waiting = new AtomicInteger();

  /** Result of work run on the device and the milliseconds spent waiting for it. */
  public record Timed<T>(T value, double queuedMs) {}

  public <T> Timed<T> run(Callable<T> work) throws Exception {
    long start = System.nanoTime();
    waiting.incrementAndGet();
    try {
      device.acquire();
    } finally {
      waiting.decrementAndGet();
    }
    double queuedMs = (System.nanoTime() - start) / 1e6;
    try {
      return new Timed<>(work.call(), queuedMs);
    } finally {
      device.release();
    }
  }

  /** Requests waiting for the device right now (not counting the one running). */
  public int waiting() {
    return waiting.get();
  }
}
