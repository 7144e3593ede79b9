package io.hilnat.agent.profile;

import java.util.List;

/** What the agent needs to know about a device kind; one YAML file per kind in hardware-profiles/. */
public record HardwareProfile(
    String id,
    String name,
    String platform,
    String runtime,
    int defaultThreads,
    List<Integer> affinity,
    List<String> delegates,
    String defaultDelegate,
    EnergySource energy,
    List<String> thermalZones,
    List<String> caveats) {

  /**
   * Where power comes from. {@code source} is one of {@link #SOURCES}; {@code path} is the sysfs
   * location; {@code rails} the rail labels to read; units and sign for battery gauges.
   */
  public record EnergySource(
      String source,
      String path,
      List<String> rails,
      double sampleHz,
      double currentToMilliamps,
      double voltageToVolts,
      int dischargeSign) {

    public static final List<String> SOURCES =
        List.of("none", "rapl", "ina3221-hwmon", "ina3221-iio", "pi5-pmic", "android-power-supply");

    public static EnergySource none() {
      return new EnergySource("none", "", List.of(), 0, 1, 1, 1);
    }
  }
}
