package io.hilnat.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.agent.energy.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuAffinityTest {

  /** The CPUs this process may run on now, as the kernel reports them. */
  private static List<Integer> allowed() throws IOException {
    String line = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow();
    return CpuAffinity.parseList(line.substring(line.indexOf(':') + 1));
  }

  @Test
  void pinsWithTasksetAndReleasesThePinAgainOrSaysWhyNot() throws Exception {
    long pid = ProcessHandle.current().pid();
    List<Integer> before = allowed();
    assertEquals("pinned to CPUs 0", CpuAffinity.apply(List.of(0), pid, CommandRunner.system()));
    assertEquals(List.of(0), allowed());
    String tooMany = CpuAffinity.apply(List.of(0, 4096), pid, CommandRunner.system());
    assertTrue(tooMany.startsWith("not pinned: the profile names CPUs [4096]"), tooMany);
    assertTrue(CpuAffinity.apply(List.of(), pid, CommandRunner.system()).contains("names no CPUs"));
    // widening the pin again (and letting other tests in this JVM use every CPU) is allowed while pinned to one,
    // also once the JVM's CPU count (cached for a few milliseconds in containers) has caught up with the pin
    Thread.sleep(200);
    assertTrue(CpuAffinity.apply(before, pid, CommandRunner.system()).startsWith("pinned"));
    assertEquals(before, allowed());
  }

  @Test
  void readsTheKernelsCpuListFormat() {
    assertEquals(List.of(0, 1, 2, 3, 6, 8, 9), CpuAffinity.parseList("0-3,6,8-9\n"));
    assertEquals(List.of(5), CpuAffinity.parseList("5"));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> CpuAffinity.parseList("3-1"));
    assertTrue(bad.getMessage().contains("not a CPU list: '3-1'"), bad.getMessage());
    assertTrue(CpuAffinity.machineCpus().containsAll(List.of(0)), "CPU 0 exists on every machine");
  }
}
