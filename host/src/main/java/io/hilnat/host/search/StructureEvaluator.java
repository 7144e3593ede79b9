package io.hilnat.host.search;

import io.hilnat.host.net.NetworkStats;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SubnetBuilder;
import java.util.ArrayList;
import java.util.List;

/** MAdds and parameter counts, exact and cheap, counted on the subnet's network description. */
public final class StructureEvaluator implements Evaluator {

  private final SubnetBuilder builder;
  private final int inputChannels;
  private final int classes;
  private final List<Objective> objectives;

  public StructureEvaluator(SearchSpace space, int inputChannels, int classes, List<Objective> objectives) {
    this.builder = new SubnetBuilder(space);
    this.inputChannels = inputChannels;
    this.classes = classes;
    this.objectives = objectives.stream()
        .filter(o -> o.kind() == Objective.Kind.MADDS || o.kind() == Objective.Kind.PARAMS).distinct().toList();
  }

  @Override
  public List<String> provides() {
    return objectives.stream().map(Objective::name).toList();
  }

  @Override
  public List<Measurement> evaluate(Architecture arch) {
    NetworkStats stats = NetworkStats.of(builder.build(arch, inputChannels, classes, 0));
    List<Measurement> out = new ArrayList<>();
    for (Objective o : objectives) {
      out.add(new Measurement(o.name(), o.kind() == Objective.Kind.MADDS ? stats.madds() : stats.params(), "count",
          ""));
    }
    return out;
  }
}
