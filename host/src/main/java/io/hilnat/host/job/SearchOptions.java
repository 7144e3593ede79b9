package io.hilnat.host.job;

import java.util.List;

/**
 * Everything that defines a search run; stored in the run's database so {@code --resume} continues
 * with exactly the settings it started with.
 *
 * @param supernet a trained supernet folder to start from, or null to train one for {@code warmupSteps}
 * @param agents agent targets (host:port); empty starts a local agent on 127.0.0.1
 */
public record SearchOptions(String space, String data, String supernet, int warmupSteps, int batch,
    List<String> objectives, List<String> constraints, List<String> agents, int initialSamples, int iterations,
    int candidates, int population, int generations, int adaptSteps, int adaptSubnets, int validationImages,
    int calibrationImages, int benchmarkRuns, int exportTop, long seed) {}
