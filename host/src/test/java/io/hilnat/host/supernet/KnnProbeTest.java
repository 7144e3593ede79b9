package io.hilnat.host.supernet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The k-NN vote that scores subnets of a label-free search. */
class KnnProbeTest {

  /**
   * With two labelled images per class (1 % labels of a small folder), leave-one-out leaves a query one image of
   * its own class and two of every other: ten voters would outvote it every time, however good the features.
   */
  @Test
  void twoImagesPerClassAndSeparableFeaturesScoreEveryQuery() {
    int classes = 10;
    float[][] features = new float[2 * classes][];
    int[] labels = new int[2 * classes];
    for (int i = 0; i < features.length; i++) {
      labels[i] = i / 2;
      features[i] = new float[classes];
      features[i][labels[i]] = 1;
      features[i][(labels[i] + 1) % classes] = 0.1f * (i % 2); // the two of a class are near, not equal
    }
    assertEquals(1.0, KnnProbe.topOne(features, labels, features, labels, classes, 10, true), 1e-9);
    // without leaving the query out, its own class keeps both of its images: k stays at two
    assertEquals(1.0, KnnProbe.topOne(features, labels, features, labels, classes, 10, false), 1e-9);
  }
}
