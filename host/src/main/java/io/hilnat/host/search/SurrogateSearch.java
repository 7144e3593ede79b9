package io.hilnat.host.search;

import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.moeaframework.algorithm.AbstractEvolutionaryAlgorithm;
import org.moeaframework.algorithm.NSGAII;
import org.moeaframework.algorithm.NSGAIII;
import org.moeaframework.core.PRNG;
import org.moeaframework.core.Solution;
import org.moeaframework.core.initialization.InjectedInitialization;
import org.moeaframework.util.weights.NormalBoundaryDivisions;

/**
 * The inner search of NAT: MOEA Framework's NSGA-II (two objectives) or NSGA-III with reference
 * directions (three or more) over the gene encoding, scoring solutions with predictors rather than real
 * evaluations. The population starts from the archive, as NAT's does.
 */
public final class SurrogateSearch {

  /** A distinct subnet of the final front with its predicted objective values. */
  public record Point(int[] genes, double[] objectives) {}

  private SurrogateSearch() {}

  /**
   * @param predictors one per objective, in objective order (exact functions for MAdds and parameters)
   * @param limited one per limit: the value the limit bounds
   */
  public static List<Point> run(SearchSpace space, List<ToDoubleFunction<int[]>> predictors, List<Limit> limits,
      List<ToDoubleFunction<int[]>> limited, List<int[]> seeds, int population, int generations, long seed) {
    PRNG.setSeed(seed);
    GeneProblem problem = new GeneProblem(space, predictors, limits, limited);
    AbstractEvolutionaryAlgorithm algorithm;
    if (predictors.size() <= 2) {
      NSGAII nsga2 = new NSGAII(problem);
      nsga2.setInitialPopulationSize(population);
      algorithm = nsga2;
    } else {
      algorithm = new NSGAIII(problem, new NormalBoundaryDivisions(divisionsFor(predictors.size(), population)));
    }
    List<Solution> injected = new ArrayList<>();
    for (int[] genes : seeds.subList(0, Math.min(seeds.size(), algorithm.getInitialPopulationSize()))) {
      injected.add(problem.solutionOf(genes));
    }
    algorithm.setInitialization(new InjectedInitialization(problem, injected));
    algorithm.run(algorithm.getInitialPopulationSize() * (generations + 1));
    Map<String, Point> distinct = new LinkedHashMap<>();
    for (Solution s : algorithm.getResult()) {
      if (s.isFeasible()) {
        int[] genes = problem.genes(s);
        distinct.putIfAbsent(ArchitectureFormat.key(space, space.decode(genes)), new Point(genes, s
            .getObjectiveValues()));
      }
    }
    return new ArrayList<>(distinct.values());
  }

  /** Divisions giving about {@code population} reference directions for {@code m} objectives. */
  static int divisionsFor(int m, int population) {
    int divisions = 1;
    while (new NormalBoundaryDivisions(divisions + 1).getNumberOfReferencePoints(m) <= population) {
      divisions++;
    }
    return divisions;
  }
}
