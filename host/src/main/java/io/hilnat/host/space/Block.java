package io.hilnat.host.space;

import io.hilnat.host.net.Activation;
import java.util.Locale;

/**
 * One block of a subnet as a latency table sees it: the stem, an MBConv layer (the first block
 * included) or the head, with the shapes it runs at. Two subnets that share a block share its table
 * entry; {@link #key()} is OFA's lookup-table key style.
 *
 * @param mid expanded channels of an MBConv (equal to {@code in} when it has no expansion); the head's
 *     expand channels
 * @param se squeeze-excite channels, 0 when none; the head's feature channels
 */
public record Block(Kind kind, int inputSize, int in, int out, int kernel, int mid, int stride, int se,
    Activation.Kind activation) {

  /** Where in the network the block sits. */
  public enum Kind { STEM, MBCONV, HEAD }

  public int outputSize() {
    return kind == Kind.HEAD ? 1 : (inputSize + stride - 1) / stride;
  }

  /** Whether an MBConv adds its input back (stride 1, channels kept). */
  public boolean residual() {
    return kind == Kind.MBCONV && stride == 1 && in == out;
  }

  public String key() {
    String act = activation.name().toLowerCase(Locale.ROOT);
    switch (kind) {
      case STEM:
        return String.format(Locale.ROOT, "stem-input:%dx%dx%d-output:%dx%dx%d-kernel:%d-stride:%d-act:%s", inputSize,
            inputSize, in, outputSize(), outputSize(), out, kernel, stride, act);
      case HEAD:
        return String.format(Locale.ROOT, "head-input:%dx%dx%d-expand:%d-features:%d-classes:%d-act:%s", inputSize,
            inputSize, in, mid, se, out, act);
      default:
        return String.format(Locale.ROOT, "expanded_conv-input:%dx%dx%d-output:%dx%dx%d-expand:%d-kernel:%d-stride:%d"
            + "-idskip:%d-se:%d-act:%s", inputSize, inputSize, in, outputSize(), outputSize(), out, mid, kernel, stride,
            residual() ? 1 : 0, se, act);
    }
  }
}
