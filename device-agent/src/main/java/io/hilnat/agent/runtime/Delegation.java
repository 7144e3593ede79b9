package io.hilnat.agent.runtime;

/** What a delegate took over: {@code nodesDelegated} of the model's {@code nodes} operators. */
public record Delegation(String delegate, int nodes, int nodesDelegated) {}
