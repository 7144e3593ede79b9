package io.hilnat.agent.runtime;

/**
 * How to load a model: interpreter threads, the delegate by name ({@code cpu}, {@code xnnpack}, ...), and
 * whether to record per-operator times (costs a callback per operator, so only for op profiles).
 */
public record RunOptions(int threads, String delegate, boolean profileOps) {

  public static RunOptions of(int threads, String delegate) {
    return new RunOptions(threads, delegate, false);
  }

  public RunOptions withOpProfiling() {
    return new RunOptions(threads, delegate, true);
  }
}
