package io.hilnat.host.search;

import io.hilnat.host.space.SearchSpace;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.moeaframework.core.Solution;
import org.moeaframework.core.constraint.LessThanOrEqual;
import org.moeaframework.core.variable.RealVariable;
import org.moeaframework.problem.AbstractProblem;

/**
 * NAT's encoding as a MOEA Framework problem. Genes are real variables floored to integers (pymoo's
 * integer-from-float, as NAT does), so the stock SBX and polynomial mutation apply; each solution is
 * repaired to the space's canonical encoding before its objectives are computed.
 */
final class GeneProblem extends AbstractProblem {

  private final SearchSpace space;
  private final List<ToDoubleFunction<int[]>> objectives;
  private final List<ToDoubleFunction<int[]>> limited;
  private final List<Limit> limits;
  private final int[] lower;
  private final int[] upper;

  /** {@code limited.get(j)} computes the value that {@code limits.get(j)} bounds. */
  GeneProblem(SearchSpace space, List<ToDoubleFunction<int[]>> objectives, List<Limit> limits,
      List<ToDoubleFunction<int[]>> limited) {
    super(space.encodingLength(), objectives.size(), limits.size());
    this.space = space;
    this.objectives = objectives;
    this.limits = limits;
    this.limited = limited;
    this.lower = space.lowerBounds();
    this.upper = space.upperBounds();
  }

  @Override
  public Solution newSolution() {
    Solution s = new Solution(numberOfVariables, numberOfObjectives, numberOfConstraints);
    for (int i = 0; i < numberOfVariables; i++) {
      s.setVariable(i, new RealVariable(lower[i], upper[i] + 0.999));
    }
    for (int j = 0; j < limits.size(); j++) {
      s.setConstraint(j, LessThanOrEqual.to(limits.get(j).max()));
    }
    return s;
  }

  /** A solution holding {@code genes} (for seeding the population with the archive). */
  Solution solutionOf(int[] genes) {
    Solution s = newSolution();
    for (int i = 0; i < genes.length; i++) {
      ((RealVariable) s.getVariable(i)).setValue(genes[i] + 0.5);
    }
    return s;
  }

  /** The repaired genes a solution stands for. */
  int[] genes(Solution s) {
    int[] genes = new int[numberOfVariables];
    for (int i = 0; i < genes.length; i++) {
      genes[i] = Math.min(upper[i], (int) Math.floor(RealVariable.getReal(s.getVariable(i))));
    }
    return space.repair(genes);
  }

  @Override
  public void evaluate(Solution s) {
    int[] genes = genes(s);
    for (int k = 0; k < objectives.size(); k++) {
      s.setObjectiveValue(k, objectives.get(k).applyAsDouble(genes));
    }
    for (int j = 0; j < limits.size(); j++) {
      s.setConstraintValue(j, limited.get(j).applyAsDouble(genes));
    }
  }
}
