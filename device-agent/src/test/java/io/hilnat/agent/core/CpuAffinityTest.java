package io.hilnat.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.agent.energy.CommandRunner;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuAffinityTest {
  @Test
  void pinsWithTasksetOrSaysWhyNot() {
    long pid = ProcessHandle.current().pid();
    assertEquals("pinned to CPUs 0", CpuAffinity.apply(List.of(0), pid, CommandRunner.system()));
    String tooMany = CpuAffinity.apply(List.of(4, 5, 6, 7, 64), pid, CommandRunner.system());
    assertTrue(tooMany.startsWith("not pinned: the profile names CPUs") && tooMany.contains("64"), tooMany);
    assertTrue(CpuAffinity.apply(List.of(), pid, CommandRunner.system()).contains("names no CPUs"));
    // release the pin so other tests in this JVM use every CPU
    List<Integer> all = java.util.stream.IntStream.range(0, Runtime.getRuntime().availableProcessors()).boxed().toList();
    assertTrue(CpuAffinity.apply(all, pid, CommandRunner.system()).startsWith("pinned"));
  }
}
