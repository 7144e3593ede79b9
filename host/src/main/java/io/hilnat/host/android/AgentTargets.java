package io.hilnat.host.android;

import java.util.HashMap;
import java.util.Map;

/**
 * Agent addresses as users write them: {@code HOST:PORT}, or {@code adb:SERIAL} ({@code adb:} for the only
 * attached device) for a phone whose agent is started on demand over adb. The serial follows the first colon
 * whole, since adb-over-Wi-Fi serials are themselves {@code HOST:PORT}.
 */
public final class AgentTargets {

  public static final String ADB = "adb:";

  /** Started phone agents by serial, so two uses of a phone in one run share its agent; closed at exit. */
  private static final Map<String, PhoneAgent> PHONES = new HashMap<>();

  private AgentTargets() {}

  /** Whether {@code spec} names a phone over adb rather than an agent listening somewhere. */
  public static boolean isPhone(String spec) {
    return spec.startsWith(ADB);
  }

  /**
   * {@code HOST:PORT} for {@code spec}: itself, or for a phone the forwarded {@code 127.0.0.1:PORT} of its agent,
   * started (pushed, launched, forwarded) unless this JVM already runs one for that phone.
   */
  public static String resolve(String spec) {
    if (!isPhone(spec)) {
      return spec;
    }
    String serial = spec.substring(ADB.length());
    Adb adb = Adb.find();
    synchronized (PHONES) {
      // the cache is by serial, so "adb:" learns which phone it means first
      String chosen = serial.isEmpty() ? AndroidDevice.choose(adb, null) : serial;
      PhoneAgent agent = PHONES.get(chosen);
      if (agent == null || !agent.alive()) {
        agent = PhoneAgent.start(adb, PhoneAgent.bundle(), chosen, 0);
        PHONES.put(chosen, agent);
      }
      return agent.target();
    }
  }
}
