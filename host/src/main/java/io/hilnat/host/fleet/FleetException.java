package io.hilnat.host.fleet;

/** A fleet-level failure (bad fleet file, no agent reachable, a job out of attempts); the message says which. */
public final class FleetException extends RuntimeException {
  public FleetException(String message) {
    super(message);
  }

  public FleetException(String message, Throwable cause) {
    super(message, cause);
  }
}
