package io.hilnat.host.space;

import java.util.List;

/**
 * A subnet of a search space: input resolution, width multiplier and, per stage, its active layers
 * (the stage's depth is {@code layers.size()}). Validity against a space is checked by
 * {@link SearchSpace#validate(Architecture)}.
 */
public record Architecture(int resolution, double width, List<List<Layer>> stages) {
  public Architecture {
    stages = stages.stream().map(List::copyOf).toList();
  }

  public int depth(int stage) {
    return stages.get(stage).size();
  }

  /** Number of searchable layers that are active. */
  public int activeLayers() {
    return stages.stream().mapToInt(List::size).sum();
  }
}
