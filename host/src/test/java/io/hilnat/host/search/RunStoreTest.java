package io.hilnat.host.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {

  @TempDir Path dir;

  @Test
  void persistsAcrossReopeningAndRefusesRepeats() throws Exception {
    try (RunStore store = RunStore.open(dir)) {
      store.putMeta("options", "{}");
      store.plan(0, List.of(new RunStore.Candidate(0, "0,1", "initial", Map.of()),
          new RunStore.Candidate(0, "1,1", "initial", Map.of())));
      store.record(0, "0,1", List.of(new Measurement("error", 0.2, "supernet@-1", ""),
          new Measurement("latency@d", 1.5, "device:d@h:1", "{}")));
      store.plan(1, List.of(new RunStore.Candidate(1, "2,1", "surrogate front", Map.of("error", 0.1))));
      store.record(1, "0,1", List.of(new Measurement("error", 0.15, "supernet@0", "")));
      store.recordSurrogate(new RunStore.SurrogateChoice(1, "error", "kriging", 0.6, 0.1, "{}", null));
      store.recordAdaptation(0, "supernet/iter-000");
      assertThrows(SQLException.class, () -> store.record(0, "0,1", List.of(new Measurement("error", 0.3, "x", ""))),
          "an evaluation is stored once");
      assertThrows(SQLException.class, () -> store.plan(0, List.of(new RunStore.Candidate(0, "0,1", "x", Map.of()))),
          "an iteration is planned once");
    }
    try (RunStore store = RunStore.open(dir)) {
      assertEquals("{}", store.meta("options").orElseThrow());
      assertEquals(2, store.planned(0).size());
      assertEquals(0.1, store.planned(1).get(0).predicted().get("error"), 1e-12);
      assertTrue(store.hasAll(0, "0,1", List.of("error", "latency@d")));
      assertFalse(store.hasAll(0, "1,1", List.of("error")));
      assertEquals(0.2, store.archive(0).get("0,1").get("error"), 1e-12);
      assertEquals(0.15, store.archive(1).get("0,1").get("error"), 1e-12, "later iterations supersede");
      assertEquals(1.5, store.archive(1).get("0,1").get("latency@d"), 1e-12);
      assertEquals(3, store.rows().size(), "the failed repeat left nothing behind");
      assertEquals("kriging", store.surrogates().get(0).model());
      assertEquals(0, store.lastAdaptation().orElseThrow().getKey());
    }
  }
}
