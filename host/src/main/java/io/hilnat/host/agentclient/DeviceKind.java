package io.hilnat.host.agentclient;

import io.hilnat.agent.v1.DeviceDescription;
import io.hilnat.host.export.Precision;

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

  /**
   * A latency table's key: the kind, the delegate when one was asked for instead of the device's default, and the
   * precision when it is not fp32 (e.g. {@code raspberry-pi-5/xnnpack/int8}).
   */
  public static String tableKey(String kind, String delegate, String precision) {
    String key = delegate == null || delegate.isEmpty() ? kind : kind + "/" + delegate;
    return Precision.of(precision).equals(Precision.FP32) ? key : key + "/" + precision;
  }
}
