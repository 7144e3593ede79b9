package io.hilnat.host.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Views of an archive (subnet key → objective name → value) in terms of a list of objectives. */
public final class Archives {

  private Archives() {}

  /** Entries that have every objective (an evaluation killed half-way may have left one without its latency). */
  public static Map<String, Map<String, Double>> complete(Map<String, Map<String, Double>> archive,
      List<Objective> objectives) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    archive.forEach((k, v) -> {
      if (objectives.stream().allMatch(o -> v.containsKey(o.name()))) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** Objective vectors of the complete entries, in archive order. */
  public static List<double[]> vectors(Map<String, Map<String, Double>> archive, List<Objective> objectives) {
    List<double[]> out = new ArrayList<>();
    for (Map<String, Double> v : complete(archive, objectives).values()) {
      out.add(vector(v, objectives));
    }
    return out;
  }

  /** One entry's values in objective order. */
  public static double[] vector(Map<String, Double> values, List<Objective> objectives) {
    return objectives.stream().mapToDouble(o -> values.get(o.name())).toArray();
  }

  /**
   * What a search delivers (reports, exports, fine-tunes): the front of the entries within every limit. An entry
   * without a limit's value is not known to be within it, so it is left out.
   */
  public static List<String> feasibleFront(Map<String, Map<String, Double>> archive, List<Objective> objectives,
      List<Limit> limits) {
    Map<String, Map<String, Double>> feasible = new LinkedHashMap<>();
    archive.forEach((k, v) -> {
      if (limits.stream().allMatch(l -> v.containsKey(l.objective().name())
          && l.violation(v.get(l.objective().name())) == 0)) {
        feasible.put(k, v);
      }
    });
    return front(feasible, objectives);
  }

  /** Keys of the non-dominated complete entries, sorted by the first objective. */
  public static List<String> front(Map<String, Map<String, Double>> archive, List<Objective> objectives) {
    List<String> keys = new ArrayList<>(complete(archive, objectives).keySet());
    List<double[]> points = vectors(archive, objectives);
    List<String> out = new ArrayList<>();
    Pareto.front(points).forEach(i -> out.add(keys.get(i)));
    out.sort(Comparator.comparingDouble(k -> archive.get(k).get(objectives.get(0).name())));
    return out;
  }
}
