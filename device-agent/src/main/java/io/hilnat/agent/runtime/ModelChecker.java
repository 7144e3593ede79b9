package io.hilnat.agent.runtime;

import java.nio.file.Path;

/** Decides whether an uploaded model may be kept: it must load and run once under every delegate. */
public interface ModelChecker extends AutoCloseable {

  /** Returns when the model is fit to run; otherwise throws with the reason. */
  void check(Path model) throws ModelLoadException;

  /** How uploads are checked, for the device description (e.g. "child process"). */
  String describe();

  @Override
  void close();
}
