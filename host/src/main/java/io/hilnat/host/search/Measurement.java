package io.hilnat.host.search;

/**
 * One objective value of one subnet and where it came from: {@code supernet@3} (inherited weights after
 * adaptation round 3), {@code count}, {@code device:ID@HOST:PORT}. {@code detail} is JSON (the latency
 * distribution, temperatures, energy) or empty.
 */
public record Measurement(String objective, double value, String source, String detail) {}
