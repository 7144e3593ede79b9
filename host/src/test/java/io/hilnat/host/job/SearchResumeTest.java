package io.hilnat.host.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.host.search.RunStore;
import io.hilnat.host.supernet.SupernetCheckpoint;
import io.hilnat.host.supernet.SupernetTraining;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real host process runs a small search with latency measured on its own local agent, is killed with
 * SIGKILL in the middle of iteration 1, and is resumed: every evaluation and measurement is in the store
 * exactly once, and what was stored before the kill is untouched. Its warm-up is time-budgeted and is killed too,
 * right after its length was sized from the first steps' pace: the resumed warm-up keeps that stored length.
 */
class SearchResumeTest {

  @TempDir Path dir;

  @Test
  void killedSearchResumesWithoutLosingOrRepeatingEvaluations() throws Exception {
    Path run = dir.resolve("run");
    List<String> search = List.of("search", "--out", run.toString(), "--space", "tiny-mbv3", "--warmup-minutes", "0.25",
        "--batch", "16", "--initial", "6", "--iterations", "2", "--candidates", "3", "--population", "20",
        "--generations", "3", "--adapt-steps", "2", "--val-images", "200", "--calibration-images", "32",
        "--runs", "5", "--export", "2");
    String sizing = killWhen(search, line -> line.startsWith("warm-up sized to"));
    long sized;
    try (RunStore store = RunStore.open(run)) {
      sized = Long.parseLong(store.meta("warmup_steps").orElseThrow());
      assertTrue(sized > SupernetTraining.TIMING_STEPS, "15 s hold more than the timed steps");
      assertTrue(sizing.contains("warm-up sized to " + sized + " steps"), sizing);
    }
    String warmup = killWhen(List.of("search", "--resume", run.toString()), line -> line.startsWith("iteration 1 [1/3]"));
    assertFalse(warmup.contains("warm-up sized"), "the resumed warm-up keeps its stored length: " + warmup);
    assertEquals(sized, SupernetCheckpoint.metadata(run.resolve("supernet/warmup"))
        .get("steps").asLong(), "the warm-up trained to the length it chose");

    List<RunStore.Row> before;
    try (RunStore store = RunStore.open(run)) {
      before = store.rows();
      assertTrue(store.planned(1).size() == 3 && !before.isEmpty());
      assertFalse(store.planned(2).size() > 0, "killed before iteration 2 was planned");
    }

    Process second = host(List.of("search", "--resume", run.toString()));
    StringBuilder log = new StringBuilder();
    try (BufferedReader out = reader(second)) {
      out.lines().forEach(l -> log.append(l).append('\n'));
    }
    assertEquals(0, second.waitFor(), log.toString());
    assertTrue(log.toString().contains("iteration 1: resuming with 3 planned candidates"), log.toString());

    try (RunStore store = RunStore.open(run)) {
      List<RunStore.Row> after = store.rows();
      for (int i = 0; i < before.size(); i++) {
        assertEquals(before.get(i), after.get(i), "rows stored before the kill are unchanged");
      }
      Map<String, Integer> counts = new HashMap<>();
      for (RunStore.Row r : after) {
        counts.merge(r.iteration() + "|" + r.archKey() + "|" + r.measurement().objective(), 1, Integer::sum);
      }
      counts.forEach((k, n) -> assertEquals(1, n, k + " stored once"));
      int expected = 0;
      for (int it = 0; it <= 2; it++) {
        for (RunStore.Candidate c : store.planned(it)) {
          assertTrue(store.hasAll(it, c.archKey(), List.of("error")), c + " has its error");
          long latency = after.stream().filter(r -> r.iteration() == c.iteration() && r.archKey().equals(c.archKey())
              && r.measurement().objective().startsWith("latency@")).count();
          assertEquals(1, latency, c + " was measured once");
          expected += 2;
        }
      }
      long searchRows = after.stream().filter(r -> r.iteration() <= 2).count();
      assertEquals(expected, searchRows, "nothing but the planned evaluations");
      assertTrue(store.lastAdaptation().orElseThrow().getKey() == 2);
    }
    assertTrue(Files.isRegularFile(run.resolve("report.md")));
    assertTrue(Files.readString(run.resolve("pareto.csv")).lines().count() >= 2);
    try (var models = Files.list(run.resolve("models"))) {
      assertTrue(models.anyMatch(p -> p.toString().endsWith(".tflite")));
    }
  }

  /** Runs the host CLI until a line of its output matches, then kills it with SIGKILL (and waits for its agents). */
  private static String killWhen(List<String> args, Predicate<String> match) throws Exception {
    Process process = host(args);
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

  private static Process host(List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-Xmx2g", "-cp", System.getProperty("java.class.path"),
        "io.hilnat.host.cli.HilnatMain"));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static BufferedReader reader(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }
}
