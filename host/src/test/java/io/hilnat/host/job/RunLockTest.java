package io.hilnat.host.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One search process per run folder, across processes, and a holder killed with SIGKILL leaves no lock behind. */
class RunLockTest {

  @TempDir Path run;

  @Test
  void anotherProcessIsRefusedUntilTheHolderIsKilled() throws Exception {
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), RunLockHolder.class.getName(), run.toString()).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
      assertEquals("held", out.readLine());
      String refused = assertThrows(IllegalStateException.class, () -> RunLock.acquire(run)).getMessage();
      assertTrue(refused.contains("in use by another search (process " + holder.pid() + " on "), refused);
    } finally {
      holder.destroyForcibly(); // SIGKILL: no shutdown hook, no release
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
    }
    RunLock.acquire(run).close();
  }
}
