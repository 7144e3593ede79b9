package io.hilnat.agent.runtime;

/** What a model's delegate took over: {@code nodesDelegated} of its {@code nodes} operators (0 for none). */
public record Delegation(int nodes, int nodesDelegated) {}
