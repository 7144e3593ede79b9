package io.hilnat.host.latency;

import io.hilnat.host.space.Block;
import java.util.List;
import java.util.Map;

/** OFA's lookup-table predictor: the sum of the blocks' measured p50. Misses fusion and per-call overheads. */
public final class TableSum implements LatencyPredictor {

  private final Map<String, LatencyStore.Entry> table;
  private final String device;

  public TableSum(Map<String, LatencyStore.Entry> table, String device) {
    this.table = table;
    this.device = device;
  }

  @Override
  public String name() {
    return "table-sum";
  }

  @Override
  public double predict(List<Block> blocks) {
    double sum = 0;
    for (Block b : blocks) {
      LatencyStore.Entry e = table.get(b.key());
      if (e == null) {
        throw new IllegalArgumentException("block " + b.key() + " is not in the latency table of " + device
            + ": build it with ./hilnat lut build for this space and device");
      }
      sum += e.p50();
    }
    return sum;
  }
}
