package io.hilnat.agent.core;

import io.hilnat.agent.energy.Sysfs;
import io.hilnat.agent.profile.HardwareProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the OS is doing that changes a measurement: the battery's charging state (a fuel gauge on USB power reads
 * the charger, not the model) and the CPU frequency governor of the cores the agent runs on.
 */
public final class DeviceConditions {

  /** The only state in which a fuel gauge measures what the device itself draws. */
  public static final String DISCHARGING = "Discharging";

  private final Path batteryStatus;
  private final Path cpuRoot;
  private final List<Integer> cpus;

  public DeviceConditions(HardwareProfile profile, Path sysfsRoot) {
    HardwareProfile.EnergySource energy = profile.energy();
    String battery = energy != null && "android-power-supply".equals(energy.source()) && energy.path() != null
        ? energy.path() : "/sys/class/power_supply/battery";
    this.batteryStatus = Sysfs.under(sysfsRoot, battery).resolve("status");
    this.cpuRoot = Sysfs.under(sysfsRoot, "/sys/devices/system/cpu");
    this.cpus = profile.affinity();
  }

  /**
   * The battery's status as the kernel words it ("Charging", "Discharging", "Full", "Not charging"); empty without
   * one.
   */
  public String batteryStatus() {
    try {
      return Sysfs.text(batteryStatus);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The governor of the agent's CPUs (the profile's, else all), e.g. "schedutil", or per range where they differ:
   * "cpu0-3 schedutil, cpu4-7 performance".
   */
  public String cpuGovernor() {
    List<Integer> which = cpus.isEmpty() ? presentCpus() : cpus;
    List<String> parts = new ArrayList<>();
    int first = -1;
    int last = -1;
    String current = null;
    for (int cpu : which) {
      String governor = governorOf(cpu);
      if (governor.equals(current) && cpu == last + 1) {
        last = cpu;
        continue;
      }
      if (current != null) {
        parts.add(range(first, last) + " " + current);
      }
      first = cpu;
      last = cpu;
      current = governor;
    }
    if (current == null) {
      return "unknown: no CPUs listed under " + cpuRoot;
    }
    parts.add(range(first, last) + " " + current);
    boolean same = parts.stream().map(p -> p.substring(p.indexOf(' ') + 1)).distinct().count() == 1;
    return same ? current : String.join(", ", parts);
  }

  private String governorOf(int cpu) {
    try {
      return Sysfs.text(cpuRoot.resolve("cpu" + cpu).resolve("cpufreq").resolve("scaling_governor"));
    } catch (IOException e) {
      return "unknown";
    }
  }

  private List<Integer> presentCpus() {
    try {
      return CpuAffinity.parseList(Files.readAllLines(cpuRoot.resolve("present")).get(0));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private static String range(int first, int last) {
    return first == last ? "cpu" + first : "cpu" + first + "-" + last;
  }
}
