package io.hilnat.host.search;

/** A constraint such as {@code latency@raspberry-pi-5<=20}: the objective's value must not exceed {@code max}. */
public record Limit(Objective objective, double max) {

  /** Parses {@code NAME<=VALUE}; the value is in the objective's display unit (%, millions, ms, mJ). */
  public static Limit parse(String text, String defaultDevice) {
    int at = text.indexOf("<=");
    if (at < 0) {
      throw new IllegalArgumentException("constraint '" + text + "' should look like latency@DEVICE<=20 or madds<=5");
    }
    Objective objective = Objective.parse(text.substring(0, at), defaultDevice);
    if (objective.kind() == Objective.Kind.REGIONS) {
      // stored negated, so an upper bound here would be a lower bound on the count: say so rather than guess
      throw new IllegalArgumentException("constraint '" + text + "': regions is maximised and takes no upper bound");
    }
    double shown;
    try {
      shown = Double.parseDouble(text.substring(at + 2).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("constraint '" + text + "': '" + text.substring(at + 2) + "' is not a number");
    }
    return new Limit(objective, shown / objective.display(1.0));
  }

  /** How far {@code value} is over the limit, 0 when within it. */
  public double violation(double value) {
    return Math.max(0, value - max);
  }

  @Override
  public String toString() {
    return objective.name() + "<=" + objective.display(max);
  }
}
