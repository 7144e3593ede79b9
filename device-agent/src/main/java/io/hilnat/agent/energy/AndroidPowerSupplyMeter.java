package io.hilnat.agent.energy;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Android's fuel gauge: {@code current_now} and {@code voltage_now} under
 * {@code /sys/class/power_supply/battery}. Units and the sign of discharge differ by vendor, so the
 * profile says them: {@code currentToMilliamps} (0.001 for µA) and {@code dischargeSign} (+1 or -1).
 */
public final class AndroidPowerSupplyMeter implements EnergyMeter {

  private final Path current;
  private final Path voltage;
  private final double currentToMilliamps;
  private final double voltageToVolts;
  private final int dischargeSign;

  public AndroidPowerSupplyMeter(Path battery, double currentToMilliamps, double voltageToVolts, int dischargeSign)
      throws IOException {
    this.current = battery.resolve("current_now");
    this.voltage = battery.resolve("voltage_now");
    this.currentToMilliamps = currentToMilliamps;
    this.voltageToVolts = voltageToVolts;
    this.dischargeSign = dischargeSign;
    Sysfs.number(current);
    Sysfs.number(voltage);
  }

  @Override
  public String kind() {
    return "android-power-supply";
  }

  @Override
  public double powerMilliwatts() throws IOException {
    double milliamps = dischargeSign * Sysfs.number(current) * currentToMilliamps;
    return milliamps * Sysfs.number(voltage) * voltageToVolts;
  }
}
