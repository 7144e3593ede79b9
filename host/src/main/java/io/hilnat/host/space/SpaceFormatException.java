package io.hilnat.host.space;

/** A search-space file or an architecture string that cannot be read; the message says where and why. */
public final class SpaceFormatException extends IllegalArgumentException {
  public SpaceFormatException(String message) {
    super(message);
  }
}
