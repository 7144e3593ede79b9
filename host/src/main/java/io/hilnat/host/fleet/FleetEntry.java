package io.hilnat.host.fleet;

import io.hilnat.host.agentclient.AgentCredentials;
import io.hilnat.host.android.AgentTargets;
import java.nio.file.Path;

/**
 * One agent of a fleet: where it listens ({@code host:port}, or {@code adb:[serial]} for a phone whose agent
 * the fleet starts), optionally the device kind it is expected to be, and optionally its own token file and TLS
 * certificate (a lab's boards each have their own token). The declared kind lets jobs for that kind wait for an
 * agent that is down at start; once the agent answers, the kind it describes wins.
 */
public record FleetEntry(String target, String declaredKind, String tokenFile, String trustCert) {

  /** What {@link #parse} accepts, for error messages. */
  static final String EXPECTED = "`host:port [device-kind] [token=FILE] [tls=CERT]` or `adb:[serial] [device-kind]`";

  public FleetEntry {
    if (target == null || !isTarget(target)) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got target '" + target + "'");
    }
  }

  public FleetEntry(String target, String declaredKind) {
    this(target, declaredKind, null, null);
  }

  /** A target, then optionally a device kind and {@code token=FILE} / {@code tls=CERT}, as on a fleet-file line. */
  public static FleetEntry parse(String spec) {
    String[] parts = spec.strip().split("\\s+");
    if (parts.length == 0 || parts[0].isEmpty()) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + spec.strip() + "'");
    }
    String kind = null;
    String token = null;
    String tls = null;
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].startsWith("token=") && token == null) {
        token = parts[i].substring("token=".length());
      } else if (parts[i].startsWith("tls=") && tls == null) {
        tls = parts[i].substring("tls=".length());
      } else if (i == 1 && !parts[i].contains("=")) {
        kind = parts[i];
      } else {
        throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + spec.strip() + "'");
      }
    }
    return new FleetEntry(parts[0], kind, token, tls);
  }

  /** The line {@link #parse} reads back: how a search keeps its agents for a resume. */
  public String spec() {
    return target + (declaredKind == null ? "" : " " + declaredKind) + (tokenFile == null ? "" : " token=" + tokenFile)
        + (trustCert == null ? "" : " tls=" + trustCert);
  }

  /** This agent's own credentials, or {@code fleetDefault} when it names none. */
  public AgentCredentials credentials(AgentCredentials fleetDefault) {
    if (tokenFile == null && trustCert == null) {
      return fleetDefault;
    }
    return new AgentCredentials(tokenFile == null ? null : Path.of(tokenFile),
        trustCert == null ? null : Path.of(trustCert), fleetDefault.insecureToken());
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
