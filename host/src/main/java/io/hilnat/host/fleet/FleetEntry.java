package io.hilnat.host.fleet;

import io.hilnat.host.android.AgentTargets;

/**
 * One agent of a fleet: where it listens ({@code host:port}, or {@code adb:[serial]} for a phone whose agent
 * the fleet starts) and, optionally, the device kind it is expected to be. The declared kind lets jobs for that
 * kind wait for an agent that is down at start; once the agent answers, the kind it describes wins.
 */
public record FleetEntry(String target, String declaredKind) {

  /** What {@link #parse} accepts, for error messages. */
  static final String EXPECTED = "`host:port [device-kind]` or `adb:[serial] [device-kind]`";

  public FleetEntry {
    if (target == null || !isTarget(target)) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got target '" + target + "'");
    }
  }

  /** A target ({@code host:port} or {@code adb:[serial]}), then optionally a device kind, as on a fleet-file line. */
  public static FleetEntry parse(String spec) {
    String[] parts = spec.strip().split("\\s+");
    if (parts.length == 0 || parts.length > 2 || parts[0].isEmpty()) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + spec.strip() + "'");
    }
    return new FleetEntry(parts[0], parts.length == 2 ? parts[1] : null);
  }

  private static boolean isTarget(String target) {
    if (AgentTargets.isPhone(target)) {
      return !target.matches(".*\\s.*");
    }
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      return false;
    }
    try {
      int port = Integer.parseInt(target.substring(colon + 1));
      return port > 0 && port < 65536;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
