package io.hilnat.agent.energy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Samples a meter at a fixed rate on a background thread until stopped. */
public final class PowerSampler implements AutoCloseable {

  private final EnergyMeter meter;
  private final long periodNanos;
  private final List<Double> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile IOException failure;

  public PowerSampler(EnergyMeter meter, double hz) {
    this.meter = meter;
    this.periodNanos = (long) (1e9 / hz);
    this.thread = new Thread(this::loop, "power-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    long next = System.nanoTime();
    while (running) {
      try {
        double mw = meter.powerMilliwatts();
        synchronized (samples) {
          samples.add(mw);
        }
      } catch (IOException e) {
        failure = e;
        return;
      }
      next += periodNanos;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(sleep);
      }
    }
  }

  /** Stops sampling and returns the samples in milliwatts. */
  public double[] stop() throws IOException {
    running = false;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
    synchronized (samples) {
      return samples.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  @Override
  public void close() {
    running = false;
  }
}
