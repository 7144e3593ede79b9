package io.hilnat.host.fleet;

import io.hilnat.agent.v1.BenchmarkResult;

/**
 * A benchmark result with the agent that produced it, so a measurement can be traced to one device even when
 * its job moved between agents; {@code attempts} counts the tries, this one included.
 */
public record FleetResult(String agentTarget, String deviceKind, BenchmarkResult result, int attempts) {}
