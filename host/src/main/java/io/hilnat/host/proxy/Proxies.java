package io.hilnat.host.proxy;

import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Both TE-NAS proxies for a set of candidates, combined by rank as TE-NAS does, since κ and the region
 * count live on unrelated scales: rank(κ ascending) + rank(regions descending), lower is better.
 */
public final class Proxies {

  /** One candidate's proxies, their rank sum (ties share the mean rank) and what each proxy cost. */
  public record Score(String key, Architecture arch, double kappa, double regions, double rankSum,
      long ntkMillis, long regionsMillis) {}

  private final SearchSpace space;
  private final NtkConditionNumber ntk;
  private final LinearRegions regions;

  public Proxies(SearchSpace space, NtkConditionNumber ntk, LinearRegions regions) {
    this.space = space;
    this.ntk = ntk;
    this.regions = regions;
  }

  public NtkConditionNumber ntk() {
    return ntk;
  }

  public LinearRegions regions() {
    return regions;
  }

  /** Scores {@code archs} with the same seed for all, so they see the same images and inputs. */
  public List<Score> score(List<Architecture> archs, long seed) {
    int n = archs.size();
    double[] kappa = new double[n];
    double[] count = new double[n];
    long[] ntkMillis = new long[n];
    long[] regionsMillis = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      kappa[i] = ntk.of(archs.get(i), seed);
      long middle = System.nanoTime();
      count[i] = regions.of(archs.get(i), seed);
      ntkMillis[i] = (middle - start) / 1_000_000;
      regionsMillis[i] = (System.nanoTime() - middle) / 1_000_000;
    }
    double[] negatedCount = Arrays.stream(count).map(c -> -c).toArray();
    double[] kappaRank = ranks(kappa);
    double[] countRank = ranks(negatedCount);
    List<Score> scores = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Architecture a = archs.get(i);
      scores.add(new Score(ArchitectureFormat.key(space, a), a, kappa[i], count[i], kappaRank[i] + countRank[i],
          ntkMillis[i], regionsMillis[i]));
    }
    return scores;
  }

  /** The {@code n} of {@code pool} with the lowest rank sum: TE-NAS's pick, e.g. to seed NAT's initial archive. */
  public List<Architecture> best(List<Architecture> pool, int n, long seed) {
    return score(pool, seed).stream().sorted(Comparator.comparingDouble(Score::rankSum)).limit(n).map(Score::arch)
        .toList();
  }

  /** 1-based ascending ranks; tied values share the mean of their ranks. */
  static double[] ranks(double[] values) {
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    double[] ranks = new double[values.length];
    for (int from = 0; from < order.length; ) {
      int to = from;
      while (to + 1 < order.length && Double.compare(values[order[to + 1]], values[order[from]]) == 0) {
        to++;
      }
      for (int k = from; k <= to; k++) {
        ranks[order[k]] = (from + to) / 2.0 + 1;
      }
      from = to + 1;
    }
    return ranks;
  }
}
