package io.hilnat.host.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.Datasets;
import io.hilnat.host.proxy.LinearRegions;
import io.hilnat.host.proxy.NtkConditionNumber;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TE-NAS proxies as objectives: their names, direction and labels, and real values in the run store. */
class ProxyObjectiveTest {

  @TempDir Path dir;

  @Test
  void proxiesParseAsMinimisedSurrogateModelledObjectives() {
    Objective ntk = Objective.parse("ntk", null);
    Objective regions = Objective.parse(" regions", "pi5");
    assertEquals(List.of("ntk", "regions"), List.of(ntk.name(), regions.name()));
    assertTrue(ntk.proxy() && regions.proxy() && ntk.expensive() && regions.expensive());
    assertFalse(Objective.parse("madds", null).proxy());
    assertEquals(420, regions.display(-420), 0, "stored negated, shown as the count");
    assertEquals(1234.5, ntk.display(1234.5), 0);
    assertTrue(regions.label().contains("higher is better"), regions.label());
    assertTrue(ntk.label().startsWith("NTK condition number"), ntk.label());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Objective.parse("kappa", null)).getMessage()
        .contains("ntk, regions"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Objective.parse("ntk@pi5", null)).getMessage()
        .contains("does not depend on a device"));
    assertEquals(1000, Limit.parse("ntk<=1000", null).max(), 0);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Limit.parse("regions<=50", null)).getMessage()
        .contains("maximised"));
  }

  @Test
  void proxyEvaluatorComputesOnlyTheProxiesAskedForAndTheyReachTheStore() throws Exception {
    SearchSpace micro = SearchSpaceLoader.load("src/test/resources/spaces/micro.yaml");
    Datasets.Splits splits = Datasets.load("fashion-mnist");
    Batches images = new Batches(splits.train(), splits.train());
    Architecture arch = micro.largest();
    String key = ArchitectureFormat.key(micro, arch);
    try (NDManager manager = NDManager.newBaseManager(); RunStore store = RunStore.open(dir)) {
      NtkConditionNumber ntk = new NtkConditionNumber(micro, images, 16, 1, manager);
      LinearRegions regions = new LinearRegions(micro, 1, 10, 200, 0.005, 1, manager);
      List<Objective> objectives = List.of(Objective.parse("error", null), Objective.parse("regions", null),
          Objective.parse("ntk", null));
      ProxyEvaluator both = new ProxyEvaluator(objectives, ntk, regions, 1, "{\"ntk_images\":16}");
      assertEquals(List.of("regions", "ntk"), both.provides());
      assertEquals(List.of("ntk"), new ProxyEvaluator(objectives.subList(2, 3), ntk, regions, 1, "{}").provides());

      List<Measurement> measured = both.evaluate(arch);
      store.record(0, key, measured);
      Map<String, Double> stored = store.archive(0).get(key);
      assertTrue(stored.get("ntk") >= 1 && Double.isFinite(stored.get("ntk")), "kappa " + stored.get("ntk"));
      assertTrue(stored.get("regions") <= -1, "a negated count of at least one region: " + stored.get("regions"));
      assertTrue(store.rows().stream().allMatch(r -> r.measurement().source().equals("proxy@init")
          && r.measurement().detail().equals("{\"ntk_images\":16}")));

      // one seed for every call: a resumed search computes what the killed one would have stored
      List<Measurement> again = both.evaluate(arch);
      assertEquals(measured.get(0), again.get(0));
      assertEquals(measured.get(1).value(), again.get(1).value(), 1e-6 * measured.get(1).value());
    }
  }
}
