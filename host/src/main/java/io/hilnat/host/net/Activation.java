package io.hilnat.host.net;

/** An element-wise activation. */
public record Activation(Kind kind) implements Node {

  /** The activations of the MobileNetV3 family. */
  public enum Kind {
    RELU,
    RELU6,
    /** {@code x * relu6(x + 3) / 6}. */
    HSWISH,
    /** {@code relu6(x + 3) / 6}. */
    HSIGMOID;

    /** Parses names as search-space files write them: relu, relu6, hswish / h_swish, hsigmoid. */
    public static Kind parse(String name) {
      return switch (name.toLowerCase().replace("_", "").replace("-", "")) {
        case "relu" -> RELU;
        case "relu6" -> RELU6;
        case "hswish" -> HSWISH;
        case "hsigmoid" -> HSIGMOID;
        default -> throw new IllegalArgumentException(
            "unknown activation '" + name + "': expected relu, relu6, hswish or hsigmoid");
      };
    }
  }
}
