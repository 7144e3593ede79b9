package io.hilnat.host.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KendallTauTest {
  @Test
  void perfectAgreementReversalAndAKnownValue() {
    double[] x = {1, 2, 3, 4, 5};
    assertEquals(1.0, KendallTau.of(x, new double[] {2, 4, 6, 8, 10}), 1e-12);
    assertEquals(-1.0, KendallTau.of(x, new double[] {5, 4, 3, 2, 1}), 1e-12);
    // pairs: 10, discordant: (1,2) swapped only -> (9 - 1) / 10
    assertEquals(0.8, KendallTau.of(x, new double[] {2, 1, 3, 4, 5}), 1e-12);
  }

  @Test
  void tiesUseTauB() {
    // scipy.stats.kendalltau([1,2,2,3],[1,2,3,4]) = 0.9128709291752769
    assertEquals(0.9128709291752769, KendallTau.of(new double[] {1, 2, 2, 3}, new double[] {1, 2, 3, 4}), 1e-12);
  }
}
