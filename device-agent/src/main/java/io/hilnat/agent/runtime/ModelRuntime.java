package io.hilnat.agent.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs model files. The agent's core sees only this interface, so another runtime fits without touching
 * queueing, statistics or meters.
 */
public interface ModelRuntime {
  String name();

  String version();

  /** Delegates this build can apply, by the names requests use. */
  List<String> delegates();

  /** Loads and allocates a model; throws {@link ModelLoadException} with a readable reason. */
  LoadedModel load(Path modelFile, RunOptions options) throws ModelLoadException;
}
