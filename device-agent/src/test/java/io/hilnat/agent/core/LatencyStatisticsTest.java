package io.hilnat.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LatencyStatisticsTest {
  @Test
  void matchesNumpyDefinitions() {
    // numpy.percentile([4,1,3,2,10], [50,90,99]) = [3., 7.6, 9.76]; np.std = 3.1622776601683795
    LatencyStatistics s = LatencyStatistics.of(new double[] {4, 1, 3, 2, 10});
    assertEquals(1, s.min());
    assertEquals(3, s.p50(), 1e-12);
    assertEquals(7.6, s.p90(), 1e-12);
    assertEquals(9.76, s.p99(), 1e-12);
    assertEquals(10, s.max());
    assertEquals(4, s.mean(), 1e-12);
    assertEquals(3.1622776601683795, s.std(), 1e-12);
    assertEquals(5, s.count());
    assertThrows(IllegalArgumentException.class, () -> LatencyStatistics.of(new double[0]));
  }
}
