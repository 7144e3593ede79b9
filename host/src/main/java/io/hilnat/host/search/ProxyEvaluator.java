package io.hilnat.host.search;

import io.hilnat.host.proxy.LinearRegions;
import io.hilnat.host.proxy.NtkConditionNumber;
import io.hilnat.host.space.Architecture;
import java.util.ArrayList;
import java.util.List;

/**
 * TE-NAS's training-free proxies as objectives: the NTK condition number and the negated linear-region count
 * of a subnet with fresh random weights (see {@link Objective}). One seed for every subnet, so all see the same
 * images, inputs and initialisation draws and their values compare; it also makes a resumed search's values
 * the ones the killed run would have stored.
 */
public final class ProxyEvaluator implements Evaluator {

  private final List<Objective> objectives;
  private final NtkConditionNumber ntk;
  private final LinearRegions regions;
  private final long seed;
  private final String detail;

  /** Computes only the proxies among {@code objectives}; {@code detail} (JSON) records the proxies' settings. */
  public ProxyEvaluator(List<Objective> objectives, NtkConditionNumber ntk, LinearRegions regions, long seed,
      String detail) {
    this.objectives = objectives.stream().filter(Objective::proxy).distinct().toList();
    this.ntk = ntk;
    this.regions = regions;
    this.seed = seed;
    this.detail = detail;
  }

  @Override
  public List<String> provides() {
    return objectives.stream().map(Objective::name).toList();
  }

  @Override
  public List<Measurement> evaluate(Architecture arch) {
    List<Measurement> out = new ArrayList<>();
    for (Objective o : objectives) {
      double value = o.kind() == Objective.Kind.NTK ? ntk.of(arch, seed) : -regions.of(arch, seed);
      out.add(new Measurement(o.name(), value, "proxy@init", detail));
    }
    return out;
  }
}
