package io.hilnat.agent.profile;

/** A hardware profile that cannot be used; the message names the file and the field. */
public final class ProfileException extends RuntimeException {
  public ProfileException(String message) {
    super(message);
  }
}
