package io.hilnat.host.agentclient;

import io.hilnat.agent.v1.DeviceDescription;

/**
 * The name under which a device's measurements are kept: its profile id, e.g. {@code raspberry-pi-5}. An agent
 * that runs a profile made for another platform (a test) gets {@code raspberry-pi-5@linux-x86_64}, so nothing
 * it measured is ever filed as the real device's.
 */
public final class DeviceKind {

  private DeviceKind() {}

  public static String of(DeviceDescription d) {
    return d.getProfileOverride().isEmpty() ? d.getHardwareProfile() : d.getHardwareProfile() + "@" + d.getPlatform();
  }

  /** A latency table's key: the kind, and the delegate when one was asked for instead of the device's default. */
  public static String withDelegate(String kind, String delegate) {
    return delegate == null || delegate.isEmpty() ? kind : kind + "/" + delegate;
  }
}
