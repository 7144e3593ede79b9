package io.hilnat.agent.runtime;

/** A model file that the runtime cannot load; the message says why. */
public final class ModelLoadException extends Exception {
  public ModelLoadException(String message) {
    super(message);
  }
}
