package io.hilnat.host.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.host.search.RunStore;
import io.hilnat.host.supernet.SupernetCheckpoint;
import io.hilnat.host.supernet.training.SupernetTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    List<String> search = List.of("search", "--out", run.toString(), "--space", "tiny-mbv3", "--warmup-minutes", "0.75",
        "--batch", "8", "--initial", "6", "--iterations", "2", "--candidates", "3", "--population", "20",
        "--generations", "3", "--adapt-steps", "2", "--val-images", "200", "--calibration-images", "32",
        "--runs", "5", "--export", "2");
    String sizing = HostProcess.killWhen(search, line -> line.startsWith("warm-up sized to"));
    long sized;
    try (RunStore store = RunStore.open(run)) {
      sized = Long.parseLong(store.meta("warmup_steps").orElseThrow());
      assertTrue(sized > SupernetTraining.TIMING_STEPS, "45 s hold more than the timed steps, whose pace sized it");
      assertTrue(sizing.contains("warm-up sized to " + sized + " steps"), sizing);
    }
    String warmup = HostProcess.killWhen(List.of("search", "--resume", run.toString()), line -> line
        .startsWith("iteration 1 [1/3]"));
    assertFalse(warmup.contains("warm-up sized"), "the resumed warm-up keeps its stored length: " + warmup);
    assertEquals(sized, SupernetCheckpoint.metadata(run.resolve("supernet/warmup"))
        .get("steps").asLong(), "the warm-up trained to the length it chose");

    List<RunStore.Row> before;
    try (RunStore store = RunStore.open(run)) {
      before = store.rows();
      assertTrue(store.planned(1).size() == 3 && !before.isEmpty());
      assertFalse(store.planned(2).size() > 0, "killed before iteration 2 was planned");
    }

    String log = HostProcess.runToEnd(List.of("search", "--resume", run.toString()));
    assertTrue(log.contains("iteration 1: resuming with 3 planned candidates"), log);

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
}
