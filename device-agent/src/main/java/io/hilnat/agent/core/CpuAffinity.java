package io.hilnat.agent.core;

import io.hilnat.agent.energy.CommandRunner;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Pins the agent (every thread, so the interpreter's too) to the CPUs a profile names, e.g. a phone's
 * big cores, with {@code taskset}. Where the OS does not allow it, the agent runs unpinned and says why.
 */
public final class CpuAffinity {

  private CpuAffinity() {}

  /** Returns what the agent is pinned to, or why it is not. */
  public static String apply(List<Integer> cpus, long pid, CommandRunner commands) {
    if (cpus.isEmpty()) {
      return "not pinned: the hardware profile names no CPUs";
    }
    int available = Runtime.getRuntime().availableProcessors();
    List<Integer> missing = cpus.stream().filter(c -> c >= available).toList();
    if (!missing.isEmpty()) {
      return "not pinned: the profile names CPUs " + missing + " but this machine has " + available
          + " (is this the right profile?)";
    }
    String list = cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
    // -a walks the process's threads; one that exits meanwhile fails the call, so it is tried again
    IOException failure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        commands.run(List.of("taskset", "-a", "-p", "-c", list, String.valueOf(pid)));
        return "pinned to CPUs " + list;
      } catch (IOException e) {
        failure = e;
      }
    }
    return "not pinned: taskset failed (" + failure.getMessage().strip() + ")";
  }
}
