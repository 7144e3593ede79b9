package io.hilnat.host.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class SearchPiecesTest {

  private final SearchSpace space = SearchSpaceLoader.load("tiny-mbv3");

  @Test
  void objectivesAndLimitsParseAndExplainMistakes() {
    assertEquals("latency@pi5", Objective.parse("latency", "pi5").name());
    assertEquals("energy@jetson", Objective.parse("energy@jetson", "pi5").name());
    assertEquals("error", Objective.parse("error", null).name());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Objective.parse("accuracy", "x")).getMessage()
        .contains("use error, madds"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Objective.parse("latency", null)).getMessage()
        .contains("--agent"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Objective.parse("madds@pi", "x")).getMessage()
        .contains("does not depend on a device"));
    Limit limit = Limit.parse("madds<=5", null);
    assertEquals(5e6, limit.max(), 1e-6);
    assertEquals(0, limit.violation(4e6));
    assertEquals(1e6, limit.violation(6e6), 1e-6);
    assertEquals(0.1, Limit.parse("error<=10", null).max(), 1e-12);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Limit.parse("latency<20", "d")).getMessage()
        .contains("<="));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Limit.parse("latency<=fast", "d")).getMessage()
        .contains("not a number"));
  }

  @Test
  void paretoFrontAndDominance() {
    List<double[]> points = List.of(new double[] {1, 5}, new double[] {2, 2}, new double[] {3, 3},
        new double[] {5, 1}, new double[] {2, 2});
    assertEquals(List.of(0, 1, 3, 4), Pareto.front(points));
    assertEquals(2, Pareto.dominatedBy(points, 2));
    assertFalse(Pareto.dominates(points.get(1), points.get(4)));
  }

  @Test
  void hypervolumeMatchesHandComputedAreas() {
    double[] ideal = {0, 0};
    double[] reference = {1, 1};
    assertEquals(0.25, Hypervolumes.of(List.of(new double[] {0.5, 0.5}), ideal, reference), 1e-9);
    // two boxes: [0.2,1]x[0.6,1] and [0.6,1]x[0.2,1] overlap in [0.6,1]^2
    assertEquals(0.8 * 0.4 + 0.4 * 0.8 - 0.4 * 0.4,
        Hypervolumes.of(List.of(new double[] {0.2, 0.6}, new double[] {0.6, 0.2}), ideal, reference), 1e-9);
    assertEquals(0, Hypervolumes.of(List.of(new double[] {1.5, 0.1}), ideal, reference), 1e-12);
    double[][] bounds = Hypervolumes.bounds(List.of(new double[] {0.2, 10}, new double[] {0.4, 2}));
    assertEquals(0.2, bounds[0][0], 1e-12);
    assertEquals(10.1, bounds[1][1], 1e-9);
  }

  @Test
  void subsetSelectionSpreadsAlongTheFront() {
    List<double[]> line = new ArrayList<>();
    for (int i = 0; i <= 10; i++) {
      line.add(new double[] {i, 10 - i});
    }
    List<Integer> chosen = SubsetSelection.spread(line, List.of(), 3);
    assertEquals(3, chosen.size());
    assertTrue(chosen.containsAll(List.of(0, 10)), "both ends of the front: " + chosen);
    assertTrue(chosen.contains(5) || chosen.contains(4) || chosen.contains(6), "and its middle: " + chosen);
    // with the archive already holding both ends, the middle comes first
    List<Integer> gap = SubsetSelection.spread(line, List.of(line.get(0), line.get(10)), 1);
    assertEquals(5, (int) gap.get(0));
  }

  @Test
  void geneDistributionFollowsTheArchive() {
    List<int[]> good = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      good.add(space.encode(space.largest()));
    }
    GeneDistribution distribution = new GeneDistribution(space, good);
    Random random = new Random(3);
    int largestResolution = 0;
    for (int i = 0; i < 200; i++) {
      Architecture a = distribution.sample(random);
      space.validate(a);
      if (a.resolution() == space.largest().resolution()) {
        largestResolution++;
      }
    }
    assertTrue(largestResolution > 150, "samples follow the archive: " + largestResolution + "/200");
    assertTrue(distribution.probability(0, 0) > 0, "every value stays reachable");
  }

  @Test
  void surrogateSearchFindsTheTradeOffAndRespectsLimits() {
    // objective 1: how small the subnet is (sum of genes is a size proxy); objective 2: its opposite
    ToDoubleFunction<int[]> size = g -> java.util.Arrays.stream(g).sum();
    ToDoubleFunction<int[]> smallness = g -> -size.applyAsDouble(g);
    List<SurrogateSearch.Point> front = SurrogateSearch.run(space, List.of(size, smallness), List.of(), List.of(),
        List.of(space.encode(space.smallest())), 40, 10, 1);
    assertTrue(front.size() > 5, "a spread front: " + front.size());
    for (SurrogateSearch.Point p : front) {
      assertEquals(ArchitectureFormat.key(space, space.decode(p.genes())), ArchitectureFormat.key(space,
          space.decode(space.repair(p.genes()))), "points are repaired encodings");
    }
    // three objectives go through NSGA-III; the limit keeps every point's size at most 20
    Limit limit = new Limit(new Objective(Objective.Kind.MADDS, null), 20);
    List<SurrogateSearch.Point> limited = SurrogateSearch.run(space, List.of(size, smallness, g -> g[0]),
        List.of(limit), List.of(size), List.of(), 40, 10, 2);
    assertFalse(limited.isEmpty());
    limited.forEach(p -> assertTrue(size.applyAsDouble(p.genes()) <= 20, "within the limit: " + p.objectives()[0]));
  }
}
