package io.hilnat.agent.energy;

import io.hilnat.agent.profile.HardwareProfile;
import java.io.IOException;
import java.nio.file.Path;

/** Opens the meter a profile names, under a sysfs root (the real "/" or a recorded tree). */
public final class Meters {

  /** A meter, or the reason there is none. */
  public record Opened(EnergyMeter meter, String status) {}

  private Meters() {}

  public static Opened open(HardwareProfile.EnergySource energy, Path sysfsRoot, CommandRunner commands) {
    try {
      EnergyMeter meter = switch (energy.source()) {
        case "none" -> null;
        case "rapl" -> new RaplMeter(Sysfs.under(sysfsRoot, energy.path()), System::nanoTime);
        case "ina3221-hwmon" -> new Ina3221HwmonMeter(Sysfs.under(sysfsRoot, energy.path()), energy.rails());
        case "ina3221-iio" -> new Ina3221IioMeter(Sysfs.under(sysfsRoot, energy.path()), energy.rails());
        case "pi5-pmic" -> new Pi5PmicMeter(commands);
        case "android-power-supply" -> new AndroidPowerSupplyMeter(Sysfs.under(sysfsRoot, energy.path()),
            energy.currentToMilliamps(), energy.voltageToVolts(), energy.dischargeSign());
        default -> throw new IOException("unknown energy source " + energy.source());
      };
      return meter == null
          ? new Opened(null, "the hardware profile names no energy meter")
          : new Opened(meter, "ok");
    } catch (IOException e) {
      return new Opened(null, energy.source() + " meter unavailable: " + e.getMessage());
    }
  }
}
