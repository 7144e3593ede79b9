package io.hilnat.host.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DataSplitTest {

  static void assertPartition(DataSplit s, int n) {
    boolean[] seen = new boolean[n];
    for (int[] part : new int[][] {s.train(), s.validation()}) {
      for (int i : part) {
        assertFalse(seen[i], "index " + i + " twice");
        seen[i] = true;
      }
    }
    for (boolean b : seen) {
      assertTrue(b);
    }
  }

  @Test
  void randomSplitIsDisjointCompleteAndSeeded() {
    DataSplit s = DataSplit.random(1000, 100, 4);
    assertEquals(100, s.validation().length);
    assertEquals(900, s.train().length);
    assertPartition(s, 1000);
    assertArrayEquals(s.validation(), DataSplit.random(1000, 100, 4).validation());
    assertFalse(Arrays.equals(s.validation(), DataSplit.random(1000, 100, 5).validation()));
  }

  @Test
  void stratifiedSplitKeepsClassProportionsOnRealLabels() {
    int[] labels = FashionMnist.load().train().labels();
    DataSplit s = DataSplit.stratified(labels, 1.0 / 12, 0);
    assertPartition(s, labels.length);
    assertEquals(5000, s.validation().length);
    int[] perClass = new int[10];
    for (int i : s.validation()) {
      perClass[labels[i]]++;
    }
    for (int c : perClass) {
      assertEquals(500, c);
    }
    assertArrayEquals(s.train(), DataSplit.stratified(labels, 1.0 / 12, 0).train());
    assertFalse(Arrays.equals(s.train(), DataSplit.stratified(labels, 1.0 / 12, 1).train()));
  }
}
