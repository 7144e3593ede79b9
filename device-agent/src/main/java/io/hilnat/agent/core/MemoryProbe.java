package io.hilnat.agent.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory from {@code /proc/self/status}, as benchmark_model's peak memory footprint
 * is: VmRSS now, and VmHWM (the peak) after resetting it through {@code /proc/self/clear_refs} where the
 * kernel lets us, so a peak belongs to one benchmark and not to the whole life of the agent.
 */
public final class MemoryProbe {

  private final Path proc;

  public MemoryProbe(Path proc) {
    this.proc = proc;
  }

  public static MemoryProbe system() {
    return new MemoryProbe(Path.of("/proc/self"));
  }

  /** Resident kilobytes now, or -1 where /proc is not readable. */
  public long residentKb() {
    return field("VmRSS:");
  }

  /** Peak resident kilobytes since the last {@link #resetPeak()} (or since start when that failed), or -1. */
  public long peakKb() {
    return field("VmHWM:");
  }

  /** Starts a new peak; false when the kernel refused (the peak then counts from the process's start). */
  public boolean resetPeak() {
    try {
      Files.writeString(proc.resolve("clear_refs"), "5");
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  private long field(String name) {
    try {
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.substring(name.length()).replace("kB", "").strip());
        }
      }
    } catch (IOException | NumberFormatException e) {
      // no /proc here: reported as unavailable
    }
    return -1;
  }
}
