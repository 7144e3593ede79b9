package io.hilnat.host.latency;

import io.hilnat.host.space.Block;
import java.util.List;

/** Predicts a whole subnet's latency on one device from its blocks. */
public interface LatencyPredictor {

  String name();

  double predict(List<Block> blocks);
}
