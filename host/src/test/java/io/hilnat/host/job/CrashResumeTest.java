package io.hilnat.host.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.host.search.NatSearch;
import io.hilnat.host.search.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Searches killed with SIGKILL where a crash hurts most, and resumed as a user resumes them. */
class CrashResumeTest {

  static final String MICRO = "src/test/resources/spaces/micro.yaml";

  @TempDir Path dir;

  private static List<String> search(Path out, String space, String... more) {
    List<String> args = new ArrayList<>(List.of("search", "--space", space, "--data", "fashion-mnist",
        "--warmup-steps", "3", "--batch", "16", "--objectives", "error,madds", "--initial", "6", "--candidates", "2",
        "--population", "20", "--generations", "3", "--adapt-subnets", "2", "--val-images", "200",
        "--calibration-images", "32", "--runs", "5", "--out", out.toString()));
    args.addAll(List.of(more));
    return args;
  }

  /**
   * Killed after its first model was exported: the resumed final stage tests nothing twice and exports the
   * models an uninterrupted run of the same settings exported, byte for byte (each with its own subnet's
   * batch-norm statistics).
   */
  @Test
  void aSearchKilledInItsFinalStageExportsTheSameBytesOnResume() throws Exception {
    Path uninterrupted = dir.resolve("uninterrupted");
    HostProcess.runToEnd(search(uninterrupted, MICRO, "--iterations", "1", "--adapt-steps", "2", "--export", "3"));
    Map<String, byte[]> expected = models(uninterrupted);
    assertTrue(expected.size() >= 2, "the run exported several models: " + expected.keySet());

    Path crashed = dir.resolve("crashed");
    HostProcess.killWhen(search(crashed, MICRO, "--iterations", "1", "--adapt-steps", "2", "--export", "3"),
        line -> line.endsWith("(exported)"));
    assertTrue(models(crashed).size() < expected.size(), "killed before the last export: " + models(crashed).keySet());
    HostProcess.runToEnd(List.of("search", "--resume", crashed.toString()));

    Map<String, byte[]> resumed = models(crashed);
    assertEquals(expected.keySet(), resumed.keySet());
    expected.forEach((name, bytes) -> assertArrayEquals(bytes, resumed.get(name), name + " differs"));
    try (RunStore store = RunStore.open(crashed)) {
      Map<String, Integer> tested = new TreeMap<>();
      store.rows().stream().filter(r -> r.measurement().objective().equals(FinalStage.TEST_ERROR))
          .forEach(r -> tested.merge(r.archKey(), 1, Integer::sum));
      assertTrue(!tested.isEmpty());
      tested.forEach((key, n) -> assertEquals(1, n, key + " tested once"));
    }
  }

  /**
   * A time-limited run killed half-way through its limit and resumed ends within the original limit: the
   * resumed process spends only what the first one left, and says where the limit stopped it.
   */
  @Test
  void aResumedTimeLimitedRunEndsWithinItsOriginalLimit() throws Exception {
    double limitMinutes = 1.0;
    Path run = dir.resolve("limited");
    // a space of thousands of subnets and longer adaptations: the limit, not the space, ends this search
    List<String> args = search(run, "tiny-mbv3", "--iterations", "40", "--adapt-steps", "30", "--export", "1",
        "--time-limit", Double.toString(limitMinutes));
    long start = System.nanoTime();
    HostProcess.killWhen(args, line -> line.startsWith("iteration ") && System.nanoTime() - start > 15e9);
    double spentBefore;
    try (RunStore store = RunStore.open(run)) {
      spentBefore = Double.parseDouble(store.meta(RunClock.ELAPSED).orElseThrow());
    }
    assertTrue(spentBefore >= 10, "the first process counted its time: " + spentBefore + " s");

    long resumed = System.nanoTime();
    String log = HostProcess.runToEnd(List.of("search", "--resume", run.toString()));
    double resumedSeconds = (System.nanoTime() - resumed) / 1e9;
    try (RunStore store = RunStore.open(run)) {
      double total = Double.parseDouble(store.meta(RunClock.ELAPSED).orElseThrow());
      System.out.printf(java.util.Locale.ROOT, "time-limited resume: %.1f s counted before the kill, the resumed "
          + "process ran %.1f s, %.1f s counted of the limit's %.0f%n", spentBefore, resumedSeconds, total,
          limitMinutes * 60);
      assertTrue(store.meta(NatSearch.STOPPED_AFTER).isPresent(), "the limit ended the search: " + log);
      // a run that restarted its clock would spend a whole limit again after the resume
      assertTrue(total <= limitMinutes * 60, "the run took " + total + " s of its " + limitMinutes * 60 + " s");
      // the JVM's start and the data's loading are the process's own, not the run's: a few seconds
      assertTrue(resumedSeconds <= limitMinutes * 60 - spentBefore + 15, "the resumed process took " + resumedSeconds
          + " s, " + spentBefore + " s of the limit were spent before it");
    }
    assertTrue(Files.isRegularFile(run.resolve("report.md")));
  }

  private static Map<String, byte[]> models(Path run) throws Exception {
    Map<String, byte[]> models = new TreeMap<>();
    Path folder = run.resolve("models");
    if (!Files.isDirectory(folder)) {
      return models;
    }
    try (Stream<Path> files = Files.list(folder)) {
      for (Path m : (Iterable<Path>) files::iterator) {
        if (m.toString().endsWith(".tflite")) {
          models.put(m.getFileName().toString(), Files.readAllBytes(m));
        }
      }
    }
    return models;
  }
}
