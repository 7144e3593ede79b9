package io.hilnat.host.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.host.search.NatSearch;
import io.hilnat.host.search.RunStore;
import io.hilnat.host.supernet.SupernetCheckpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search whose time limit is already spent when iteration 1 would start: it evaluates the initial archive,
 * stops there, still measures and exports its front, says so in the report, and a resumed run does not go on.
 */
class TimeLimitTest {

  @TempDir Path dir;

  @Test
  void aSpentTimeLimitEndsTheSearchAfterTheInitialArchiveForGood() throws Exception {
    Path run = dir.resolve("run");
    SearchOptions options = SearchOptions.builder().space("src/test/resources/spaces/micro.yaml").warmupSteps(3)
        .timeLimitMinutes(0.001).batch(16).objectives(List.of("error", "madds")).initialSamples(6).iterations(3)
        .candidates(3).population(20).generations(3).adaptSteps(2).validationImages(200).calibrationImages(32)
        .benchmarkRuns(5).exportTop(2).build();
    StringWriter log = new StringWriter();
    new SearchJob(run, new PrintWriter(log, true)).execute(options);

    List<RunStore.Row> rows;
    try (RunStore store = RunStore.open(run)) {
      rows = store.rows();
      assertEquals("0", store.meta(NatSearch.STOPPED_AFTER).orElseThrow());
      assertEquals(6, store.planned(0).size());
      assertTrue(store.planned(1).isEmpty(), "iteration 1 was never planned");
      assertTrue(rows.stream().anyMatch(r -> r.measurement().objective().equals(FinalStage.TEST_ERROR)),
          "the front was still tested");
    }
    assertTrue(log.toString().contains("iteration 1: not started"), log.toString());
    assertEquals(Optional.of(new SupernetCheckpoint.HeldOut("fashion-mnist", 200, 1)),
        SupernetCheckpoint.heldOut(run.resolve("supernet").resolve("warmup")), "its warm-up never saw the validation "
            + "images");
    assertTrue(Files.readString(run.resolve("report.md")).contains("ended the search after iteration 0"));
    try (var models = Files.list(run.resolve("models"))) {
      assertTrue(models.anyMatch(p -> p.toString().endsWith(".tflite")));
    }

    new SearchJob(run, new PrintWriter(new StringWriter(), true)).execute(null);
    try (RunStore store = RunStore.open(run)) {
      assertEquals(rows, store.rows(), "a resumed run does not go past where the limit stopped it");
      assertTrue(store.planned(1).isEmpty());
    }
  }

  @Test
  void theFineTuneGetsWhatTheTimeLimitLeavesButNeverLessThanAsked() {
    double tail = SearchJob.FINE_TUNE_TAIL_MINUTES;
    assertEquals(2.0, SearchJob.fineTuneMinutes(withLimits(0, 2), 5), 1e-9, "no limit: as asked");
    assertEquals(15 - 9 - tail, SearchJob.fineTuneMinutes(withLimits(15, 2), 9), 1e-9, "the limit's slack");
    assertEquals(2.0, SearchJob.fineTuneMinutes(withLimits(15, 2), 14), 1e-9, "a late search: as asked");
  }

  private static SearchOptions withLimits(double timeLimitMinutes, double fineTuneMinutes) {
    return SearchOptions.builder().warmupSteps(3).timeLimitMinutes(timeLimitMinutes).batch(16).augment(false)
        .initialSamples(6).iterations(3).candidates(3).population(20).generations(3).adaptSteps(2)
        .validationImages(200).calibrationImages(32).benchmarkRuns(5).exportTop(2)
        .fineTuneMinutes(fineTuneMinutes).build();
  }
}
