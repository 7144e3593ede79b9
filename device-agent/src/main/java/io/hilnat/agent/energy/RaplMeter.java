package io.hilnat.agent.energy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Linux powercap / Intel RAPL: a cumulative {@code energy_uj} counter that wraps at
 * {@code max_energy_range_uj}. Root-only on kernels 5.10 and later.
 */
public final class RaplMeter implements EnergyMeter {

  private final Path energyFile;
  private final long range;
  private final LongSupplier clockNanos;
  private long lastEnergy = -1;
  private long lastTime;

  public RaplMeter(Path zone, LongSupplier clockNanos) throws IOException {
    this.energyFile = zone.resolve("energy_uj");
    this.range = Sysfs.number(zone.resolve("max_energy_range_uj"));
    this.clockNanos = clockNanos;
    Sysfs.number(energyFile); // fails now, with a readable reason, if the counter can't be read
  }

  @Override
  public String kind() {
    return "rapl";
  }

  @Override
  public double powerMilliwatts() throws IOException {
    long energy = Sysfs.number(energyFile);
    long now = clockNanos.getAsLong();
    double power = Double.NaN;
    if (lastEnergy >= 0 && now > lastTime) {
      long delta = energy >= lastEnergy ? energy - lastEnergy : energy + range + 1 - lastEnergy;
      power = delta / ((now - lastTime) / 1e9) / 1000.0; // µJ/s = µW -> mW
    }
    lastEnergy = energy;
    lastTime = now;
    return power;
  }
}
