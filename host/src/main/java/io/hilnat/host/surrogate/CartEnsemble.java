package io.hilnat.host.surrogate;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

/**
 * Bagged regression trees with random feature subsets (a random forest). Trees rank well where gene
 * effects are step-like or interact, which the smooth surrogates miss; averaging bootstrapped trees
 * tames the variance one tree would have on a few hundred samples. Seeded so that a NAT run can be
 * repeated exactly.
 */
public final class CartEnsemble implements Surrogate {

  private static final int DEFAULT_TREES = 50;
  private static final int MIN_LEAF = 2;
  private static final int MAX_DEPTH = 12;

  private final long seed;
  private final int treeCount;
  private Scaling scaling;
  private Node[] trees;

  public CartEnsemble(long seed) {
    this(seed, DEFAULT_TREES);
  }

  public CartEnsemble(long seed, int trees) {
    if (trees < 1) {
      throw new IllegalArgumentException("need at least one tree, got " + trees);
    }
    this.seed = seed;
    this.treeCount = trees;
  }

  /** A leaf when {@code feature} is negative. */
  private record Node(int feature, double threshold, Node left, Node right, double value) {}

  @Override
  public String name() {
    return "cart-ensemble";
  }

  @Override
  public void fit(double[][] x, double[] y) {
    Scaling s = Scaling.fit(x, y, 2);
    double[][] z = s.features(x);
    double[] t = s.targets(y);
    Random random = new Random(seed);
    int n = z.length;
    int tried = (s.features() + 2) / 3;
    Node[] built = new Node[treeCount];
    for (int b = 0; b < treeCount; b++) {
      int[] sample = new int[n];
      for (int i = 0; i < n; i++) {
        sample[i] = random.nextInt(n);
      }
      built[b] = grow(z, t, sample, 0, tried, random);
    }
    trees = built;
    scaling = s;
  }

  @Override
  public double predict(double[] x) {
    Scaling s = Scaling.fitted(scaling);
    double[] z = s.features(x);
    double sum = 0;
    for (Node node : trees) {
      while (node.feature() >= 0) {
        node = z[node.feature()] <= node.threshold() ? node.left() : node.right();
      }
      sum += node.value();
    }
    return s.target(sum / trees.length);
  }

  private static Node grow(double[][] z, double[] t, int[] rows, int depth, int tried, Random random) {
    int n = rows.length;
    double total = 0;
    for (int r : rows) {
      total += t[r];
    }
    Node leaf = new Node(-1, 0, null, null, total / n);
    if (depth >= MAX_DEPTH || n < 2 * MIN_LEAF) {
      return leaf;
    }
    int features = z[0].length;
    int[] order = new int[features];
    for (int f = 0; f < features; f++) {
      order[f] = f;
    }
    // Sum of squares is fixed per node, so maximising sumL²/nL + sumR²/nR minimises the children's error.
    double bestGain = total * total / n + 1e-12;
    int bestFeature = -1;
    double bestThreshold = 0;
    Integer[] sorted = new Integer[n];
    for (int pick = 0; pick < Math.min(tried, features); pick++) {
      int swap = pick + random.nextInt(features - pick);
      int f = order[swap];
      order[swap] = order[pick];
      order[pick] = f;
      for (int i = 0; i < n; i++) {
        sorted[i] = rows[i];
      }
      Arrays.sort(sorted, Comparator.comparingDouble(r -> z[r][f]));
      double left = 0;
      for (int i = 0; i < n - MIN_LEAF; i++) {
        left += t[sorted[i]];
        int leftCount = i + 1;
        double here = z[sorted[i]][f];
        double next = z[sorted[i + 1]][f];
        if (leftCount < MIN_LEAF || here == next) {
          continue;
        }
        double right = total - left;
        double gain = left * left / leftCount + right * right / (n - leftCount);
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestThreshold = (here + next) / 2;
        }
      }
    }
    if (bestFeature < 0) {
      return leaf;
    }
    int leftCount = 0;
    for (int r : rows) {
      if (z[r][bestFeature] <= bestThreshold) {
        leftCount++;
      }
    }
    int[] leftRows = new int[leftCount];
    int[] rightRows = new int[n - leftCount];
    int l = 0;
    int r = 0;
    for (int row : rows) {
      if (z[row][bestFeature] <= bestThreshold) {
        leftRows[l++] = row;
      } else {
        rightRows[r++] = row;
      }
    }
    return new Node(bestFeature, bestThreshold,
        grow(z, t, leftRows, depth + 1, tried, random), grow(z, t, rightRows, depth + 1, tried, random), 0);
  }
}
