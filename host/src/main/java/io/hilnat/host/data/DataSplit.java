package io.hilnat.host.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded split of a set's indices into training and validation (both sorted ascending, disjoint, together all
 * indices). NAT holds out part of the training set to score subnets without touching the test set.
 */
public record DataSplit(int[] train, int[] validation) {

  /** Plain split: {@code validationSize} indices out of {@code n} chosen at random with {@code seed}. */
  public static DataSplit random(int n, int validationSize, long seed) {
    check(n, validationSize);
    int[] order = permutation(n, new SplittableRandom(seed));
    int[] validation = Arrays.copyOf(order, validationSize);
    int[] train = Arrays.copyOfRange(order, validationSize, n);
    Arrays.sort(validation);
    Arrays.sort(train);
    return new DataSplit(train, validation);
  }

  /**
   * Stratified split: each class gives round(count·fraction) images to validation (at least one when the class has
   * two or more), so class proportions match.
   */
  public static DataSplit stratified(int[] labels, double validationFraction, long seed) {
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in (0, 1): " + validationFraction);
    }
    int classes = 0;
    for (int l : labels) {
      classes = Math.max(classes, l + 1);
    }
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      byClass.get(labels[i]).add(i);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] validation = new int[labels.length];
    int[] train = new int[labels.length];
    int nv = 0;
    int nt = 0;
    for (List<Integer> members : byClass) {
      int[] order = permutation(members.size(), random);
      int take = (int) Math.round(members.size() * validationFraction);
      if (take == 0 && members.size() >= 2) {
        take = 1;
      }
      for (int k = 0; k < order.length; k++) {
        int index = members.get(order[k]);
        if (k < take) {
          validation[nv++] = index;
        } else {
          train[nt++] = index;
        }
      }
    }
    validation = Arrays.copyOf(validation, nv);
    train = Arrays.copyOf(train, nt);
    Arrays.sort(validation);
    Arrays.sort(train);
    return new DataSplit(train, validation);
  }

  /** The two parts of {@code set}. */
  public <T extends ImageDataset> List<ImageDataset> apply(T set) {
    return List.of(set.subset(train), set.subset(validation));
  }

  static int[] permutation(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  private static void check(int n, int validationSize) {
    if (validationSize < 0 || validationSize > n) {
      throw new IllegalArgumentException("validation size " + validationSize + " outside 0.." + n);
    }
  }
}
