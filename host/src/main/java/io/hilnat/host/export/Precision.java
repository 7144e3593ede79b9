package io.hilnat.host.export;

/** A model's number format, by the names options, cards and tables use. */
public final class Precision {

  public static final String FP32 = "fp32";
  public static final String INT8 = "int8";

  private Precision() {}

  /** {@code name} checked (null: fp32, what runs stored before precisions existed measured). */
  public static String of(String name) {
    if (name == null) {
      return FP32;
    }
    if (!name.equals(FP32) && !name.equals(INT8)) {
      throw new IllegalArgumentException("--precision must be fp32 or int8, got '" + name + "'");
    }
    return name;
  }

  public static boolean isInt8(String name) {
    return of(name).equals(INT8);
  }
}
