package io.hilnat.host.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The host CLI in a process of its own, for tests that kill it with SIGKILL as a crash would. */
final class HostProcess {

  private HostProcess() {}

  static Process start(List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-Xmx2g", "-cp", System.getProperty("java.class.path"),
        "io.hilnat.host.cli.HilnatMain"));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Its output to the end, and its exit code, which must be 0. */
  static String runToEnd(List<String> args) throws Exception {
    Process process = start(args);
    StringBuilder log = new StringBuilder();
    try (BufferedReader out = reader(process)) {
      out.lines().forEach(l -> log.append(l).append('\n'));
    }
    org.junit.jupiter.api.Assertions.assertEquals(0, process.waitFor(), log.toString());
    return log.toString();
  }

  /** Runs the host CLI until a line of its output matches, then kills it with SIGKILL (and waits for its agents). */
  static String killWhen(List<String> args, Predicate<String> match) throws Exception {
    Process process = start(args);
    List<Long> agents = new ArrayList<>();
    boolean killed = false;
    StringBuilder log = new StringBuilder();
    try (BufferedReader out = reader(process)) {
      for (String line; (line = out.readLine()) != null; ) {
        log.append(line).append('\n');
        process.descendants().forEach(p -> agents.add(p.pid()));
        if (match.test(line)) {
          process.destroyForcibly();
          killed = true;
          break;
        }
      }
    }
    assertTrue(killed, "the search reached the line to kill it at (exit code " + process.waitFor() + "):\n" + log);
    process.waitFor(30, TimeUnit.SECONDS);
    for (long pid : agents) {
      ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(20, TimeUnit.SECONDS).join());
    }
    return log.toString();
  }

  private static BufferedReader reader(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }
}
