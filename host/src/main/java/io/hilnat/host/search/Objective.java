package io.hilnat.host.search;

import java.util.Locale;

/**
 * Something the search minimises, named as on the command line: {@code error}, {@code madds},
 * {@code params}, {@code ntk}, {@code regions}, {@code latency@DEVICE} or {@code energy@DEVICE} (DEVICE is an
 * agent's device id; a bare {@code latency} means the first agent's).
 *
 * <p>The two TE-NAS proxies describe a subnet at initialisation, before any training: {@code ntk} is the
 * condition number of its neural tangent kernel, stored as is (lower: easier to train); {@code regions} is its
 * linear-region count, stored <em>negated</em> so that minimising it maximises expressivity. The run store and
 * {@code evaluations.csv} keep the negated count; {@link #display} turns it back into the count for reports.
 */
public record Objective(Kind kind, String device) {

  /** The kinds of objective; the first three need no device. */
  public enum Kind {
    ERROR("top-1 error", "%"), MADDS("MAdds", "M"), PARAMS("parameters", "M"),
    LATENCY("latency p50", "ms"), ENERGY("energy per inference", "mJ"),
    NTK("NTK condition number at init", "lower is better"), REGIONS("linear regions at init", "count, higher is "
        + "better");

    final String label;
    final String unit;

    Kind(String label, String unit) {
      this.label = label;
      this.unit = unit;
    }
  }

  public Objective {
    if ((kind == Kind.LATENCY || kind == Kind.ENERGY) == (device == null)) {
      throw new IllegalArgumentException(kind + " objective " + (device == null ? "needs" : "takes no") + " device");
    }
  }

  /** Parses a name; {@code defaultDevice} fills in a bare {@code latency} or {@code energy}. */
  public static Objective parse(String text, String defaultDevice) {
    String[] parts = text.trim().split("@", 2);
    Kind kind;
    try {
      kind = Kind.valueOf(parts[0].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown objective '" + text
          + "': use error, madds, params, ntk, regions, latency[@DEVICE] or energy[@DEVICE]");
    }
    boolean onDevice = kind == Kind.LATENCY || kind == Kind.ENERGY;
    if (!onDevice && parts.length > 1) {
      throw new IllegalArgumentException("objective '" + text + "' does not depend on a device; drop '@" + parts[1]
          + "'");
    }
    if (onDevice && parts.length == 1 && defaultDevice == null) {
      throw new IllegalArgumentException("objective '" + text + "' needs a device: give an agent with --agent");
    }
    return new Objective(kind, onDevice ? (parts.length > 1 ? parts[1] : defaultDevice) : null);
  }

  /** Whether an objective or constraint such as {@code latency@pixel-7<=20} is measured on a device. */
  public static boolean onDevice(String text) {
    String kind = text.trim().split("[@<]", 2)[0].trim();
    return kind.equalsIgnoreCase("latency") || kind.equalsIgnoreCase("energy");
  }

  /** The name used in the run store, CSV headers and the report. */
  public String name() {
    String base = kind.name().toLowerCase(Locale.ROOT);
    return device == null ? base : base + "@" + device;
  }

  /**
   * Measured on hardware, by the supernet or by a proxy's backward passes, hence worth a surrogate inside the
   * evolutionary search; MAdds and parameters are cheap enough to count exactly for every candidate.
   */
  public boolean expensive() {
    return kind != Kind.MADDS && kind != Kind.PARAMS;
  }

  /** A TE-NAS proxy: {@code ntk} or {@code regions}. */
  public boolean proxy() {
    return kind == Kind.NTK || kind == Kind.REGIONS;
  }

  /** Axis label: "top-1 error (%)". */
  public String label() {
    return kind.label + (device == null ? "" : " on " + device) + " (" + kind.unit + ")";
  }

  /**
   * Stored values are fractions, counts, milliseconds and negated region counts; reports show %, millions, ms and
   * counts.
   */
  public double display(double value) {
    switch (kind) {
      case ERROR:
        return 100 * value;
      case MADDS:
      case PARAMS:
        return value / 1e6;
      case REGIONS:
        return -value;
      default:
        return value;
    }
  }
}
