package io.hilnat.agent.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs model files. The agent's core sees only this interface, so other runtimes (Android's TFLite,
 * the TFLite C API on aarch64 boards) fit without touching queueing, statistics or meters.
 */
public interface ModelRuntime {
  String name();

  String version();

  List<String> delegates();

  /** Loads and allocates a model; throws {@link ModelLoadException} with a readable reason. */
  LoadedModel load(Path modelFile, int threads) throws ModelLoadException;
}
