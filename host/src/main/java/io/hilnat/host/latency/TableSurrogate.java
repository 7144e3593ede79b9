package io.hilnat.host.latency;

import io.hilnat.host.space.Block;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SubnetBuilder;
import io.hilnat.host.surrogate.Surrogate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A device's latency table as a search surrogate: the table's sum over a subnet's blocks, corrected by
 * least squares on the subnets the search has measured so far. It competes with the generic surrogates in
 * adaptive switching, and is refitted every iteration as measurements come in.
 */
public final class TableSurrogate implements Surrogate {

  private final SearchSpace space;
  private final SubnetBuilder builder;
  private final int inputChannels;
  private final int classes;
  private final TableSum sum;
  private LinearCorrection corrected;

  public TableSurrogate(SearchSpace space, int inputChannels, int classes, Map<String, LatencyStore.Entry> table,
      String device) {
    this.space = space;
    this.builder = new SubnetBuilder(space);
    this.inputChannels = inputChannels;
    this.classes = classes;
    this.sum = new TableSum(table, device);
  }

  @Override
  public String name() {
    return "latency-table";
  }

  @Override
  public void fit(double[][] x, double[] y) {
    List<List<Block>> subnets = new ArrayList<>();
    for (double[] genes : x) {
      subnets.add(blocks(genes));
    }
    corrected = LinearCorrection.fit(sum, subnets, y);
  }

  @Override
  public double predict(double[] x) {
    if (corrected == null) {
      throw new IllegalStateException("fit the table surrogate before predicting");
    }
    return corrected.predict(blocks(x));
  }

  private List<Block> blocks(double[] genes) {
    int[] g = new int[genes.length];
    for (int i = 0; i < g.length; i++) {
      g[i] = (int) Math.round(genes[i]);
    }
    return builder.blocks(space.decode(g), inputChannels, classes);
  }
}
