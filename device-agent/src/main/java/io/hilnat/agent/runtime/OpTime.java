package io.hilnat.agent.runtime;

/**
 * Time spent in one operator over the profiled runs: {@code node} is the operator's index in the model's
 * graph, or in the delegate's own graph when {@code kind} names a delegate.
 */
public record OpTime(int node, String op, String kind, double totalMs, int calls) {

  public double averageMs() {
    return calls == 0 ? 0 : totalMs / calls;
  }
}
