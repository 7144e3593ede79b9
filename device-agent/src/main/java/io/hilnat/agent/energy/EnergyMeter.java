package io.hilnat.agent.energy;

import java.io.IOException;

/** A source of power readings: a power rail, an energy counter, a battery gauge. */
public interface EnergyMeter {
  /** e.g. "rapl", "ina3221-hwmon". */
  String kind();

  /**
   * Power in milliwatts: instantaneous for rails and gauges, the average since the previous call for
   * cumulative counters (whose first call returns {@code NaN}).
   */
  double powerMilliwatts() throws IOException;
}
