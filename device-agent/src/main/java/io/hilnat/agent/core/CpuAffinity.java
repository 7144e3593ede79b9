package io.hilnat.agent.core;

import io.hilnat.agent.energy.CommandRunner;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Pins the agent (every thread, so the interpreter's too) to the CPUs a profile names, e.g. a phone's
 * big cores, with {@code taskset}. Where the OS does not allow it, the agent runs unpinned and says why.
 */
public final class CpuAffinity {

  /** The CPUs this machine has, in the kernel's list format ("0-3,6"), whatever the process is pinned to now. */
  static final Path PRESENT = Path.of("/sys/devices/system/cpu/present");

  private CpuAffinity() {}

  /** Returns what the agent is pinned to, or why it is not. */
  public static String apply(List<Integer> cpus, long pid, CommandRunner commands) {
    if (cpus.isEmpty()) {
      return "not pinned: the hardware profile names no CPUs";
    }
    List<Integer> machine = machineCpus();
    List<Integer> missing = cpus.stream().filter(c -> !machine.contains(c)).toList();
    if (!missing.isEmpty()) {
      return "not pinned: the profile names CPUs " + missing + " but this machine's are " + machine
          + " (is this the right profile?)";
    }
    if (pid < 0) {
      return "not pinned: this system has no /proc/self to tell the agent's pid";
    }
    String list = cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
    // a hex mask, not -c LIST: Android's toybox taskset takes only masks; util-linux's takes both
    BigInteger mask = BigInteger.ZERO;
    for (int cpu : cpus) {
      mask = mask.setBit(cpu);
    }
    // -a walks the process's threads; one that exits meanwhile fails the call, so it is tried again
    IOException failure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        commands.run(List.of("taskset", "-a", "-p", mask.toString(16), String.valueOf(pid)));
        return "pinned to CPUs " + list;
      } catch (IOException e) {
        failure = e;
      }
    }
    return "not pinned: taskset failed (" + failure.getMessage().strip() + ")";
  }

  /**
   * The machine's CPUs from {@link #PRESENT}; where that is unreadable (not Linux), as many as the JVM sees.
   * Not {@code availableProcessors()} on Linux: it counts only the CPUs of the current pin, which would refuse to
   * widen a pin again.
   */
  static List<Integer> machineCpus() {
    try {
      return parseList(Files.readString(PRESENT));
    } catch (IOException | IllegalArgumentException e) {
      return IntStream.range(0, Runtime.getRuntime().availableProcessors()).boxed().toList();
    }
  }

  /** The kernel's CPU list format: "0-3,6,8-9" is 0, 1, 2, 3, 6, 8, 9. */
  static List<Integer> parseList(String text) {
    List<Integer> cpus = new ArrayList<>();
    for (String part : text.strip().split(",")) {
      String[] range = part.split("-");
      try {
        int first = Integer.parseInt(range[0].strip());
        int last = range.length == 2 ? Integer.parseInt(range[1].strip()) : first;
        if (range.length > 2 || last < first) {
          throw new NumberFormatException();
        }
        IntStream.rangeClosed(first, last).forEach(cpus::add);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a CPU list: '" + text.strip() + "' (expected e.g. 0-3,6)");
      }
    }
    return cpus;
  }
}
