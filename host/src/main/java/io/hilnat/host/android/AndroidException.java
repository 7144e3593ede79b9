package io.hilnat.host.android;

/**
 * A phone agent could not be found, started or reached over adb; the message says what is wrong and what to do.
 * Unchecked, because it surfaces from where agent addresses are resolved (options, fleets), which the command
 * line's error handler reports as one line.
 */
public final class AndroidException extends RuntimeException {
  public AndroidException(String message) {
    super(message);
  }

  public AndroidException(String message, Throwable cause) {
    super(message, cause);
  }
}
