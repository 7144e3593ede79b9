package io.hilnat.agent.energy;

import java.util.Arrays;

/**
 * Energy per inference above the idle baseline, from power samples taken while idle and while the
 * model ran: {@code (mean active − mean idle) × duration / runs}. The uncertainty is one standard
 * error, the two means' errors added in quadrature.
 */
public record EnergyEstimate(
    double energyPerInferenceMj,
    double meanPowerAboveIdleMw,
    double idlePowerMw,
    double uncertaintyMj,
    int samples) {

  public static EnergyEstimate of(double[] idleMw, double[] activeMw, double activeSeconds, int runs) {
    double[] idle = finite(idleMw);
    double[] active = finite(activeMw);
    if (idle.length < 2 || active.length < 2 || runs <= 0) {
      throw new IllegalArgumentException("need at least 2 idle and 2 active power samples and one run, got "
          + idle.length + ", " + active.length + ", " + runs);
    }
    double idleMean = mean(idle);
    double activeMean = mean(active);
    double above = activeMean - idleMean;
    double perRunSeconds = activeSeconds / runs;
    double standardError = Math.sqrt(variance(idle) / idle.length + variance(active) / active.length);
    return new EnergyEstimate(
        above * perRunSeconds, above, idleMean, standardError * perRunSeconds, active.length);
  }

  private static double[] finite(double[] values) {
    return Arrays.stream(values).filter(Double::isFinite).toArray();
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  private static double variance(double[] v) {
    double m = mean(v);
    return Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1);
  }
}
