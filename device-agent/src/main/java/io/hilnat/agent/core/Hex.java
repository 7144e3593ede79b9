package io.hilnat.agent.core;

/** Lower-case hex of bytes; not {@code java.util.HexFormat}, which Android has only from API 34. */
public final class Hex {

  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  public static String of(byte[] bytes) {
    char[] text = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      text[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
      text[2 * i + 1] = DIGITS[bytes[i] & 0xf];
    }
    return new String(text);
  }
}
