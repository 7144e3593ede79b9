package io.hilnat.agent.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Cheap checks before bytes reach the native interpreter, so the common mistakes (a wrong file, a
 * truncated upload) get a precise message. TFLite's own flatbuffer verifier runs after these.
 */
public final class TfliteModelCheck {

  private TfliteModelCheck() {}

  public static void check(byte[] bytes) throws ModelLoadException {
    if (bytes.length < 16) {
      throw new ModelLoadException("file is " + bytes.length + " bytes: too short to be a TFLite model");
    }
    String identifier = new String(bytes, 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
    if (!identifier.equals("TFL3")) {
      throw new ModelLoadException(
          "not a TFLite model: the flatbuffer file identifier is '" + printable(identifier)
              + "', expected 'TFL3' (is this a .tflite file?)");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long root = Integer.toUnsignedLong(buffer.getInt(0));
    if (root + 4 > bytes.length) {
      throw new ModelLoadException("corrupt TFLite model: root table offset " + root + " is past the end ("
          + bytes.length + " bytes); the file may be truncated");
    }
    long vtable = root - buffer.getInt((int) root);
    if (vtable < 0 || vtable + 4 > bytes.length) {
      throw new ModelLoadException("corrupt TFLite model: root vtable at " + vtable + " is out of bounds");
    }
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      out.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return out.toString();
  }
}
