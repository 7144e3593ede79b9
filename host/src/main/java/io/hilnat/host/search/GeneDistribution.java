package io.hilnat.host.search;

import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import java.util.List;
import java.util.Random;

/**
 * NAT's per-gene categorical distribution over the best subnets of the archive: online adaptation trains
 * the supernet on subnets drawn from it, so the weights improve where the search is looking. One count of
 * smoothing per value keeps every subnet reachable.
 */
public final class GeneDistribution {

  private final SearchSpace space;
  private final int[] lower;
  private final double[][] probabilities;

  public GeneDistribution(SearchSpace space, List<int[]> genes) {
    this.space = space;
    this.lower = space.lowerBounds();
    int[] upper = space.upperBounds();
    probabilities = new double[lower.length][];
    for (int g = 0; g < lower.length; g++) {
      double[] counts = new double[upper[g] - lower[g] + 1];
      java.util.Arrays.fill(counts, 1.0);
      for (int[] v : genes) {
        counts[v[g] - lower[g]]++;
      }
      double total = counts.length + genes.size();
      for (int i = 0; i < counts.length; i++) {
        counts[i] /= total;
      }
      probabilities[g] = counts;
    }
  }

  /** Probability of value {@code value} for gene {@code gene}. */
  public double probability(int gene, int value) {
    return probabilities[gene][value - lower[gene]];
  }

  public Architecture sample(Random random) {
    int[] genes = new int[lower.length];
    for (int g = 0; g < genes.length; g++) {
      double u = random.nextDouble();
      int i = 0;
      while (i < probabilities[g].length - 1 && u >= probabilities[g][i]) {
        u -= probabilities[g][i];
        i++;
      }
      genes[g] = lower[g] + i;
    }
    return space.decode(genes);
  }
}
