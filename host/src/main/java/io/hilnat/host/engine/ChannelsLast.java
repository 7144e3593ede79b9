package io.hilnat.host.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Activations stored channels-last (NHWC memory, NCHW shape), and whether this process uses them. On the CPU,
 * channels-last lets oneDNN run the depthwise convolutions' weight gradients with its direct kernels instead of a
 * much slower GEMM fallback. But oneDNN picks its channels-last kernels by processor, instruction set and thread
 * count, and on a 2-core AMD Zen 5 host oneDNN 3.7.1 (DJL's PyTorch 2.7.1) gave wrong 1×1 convolution outputs, the
 * same way each time: with AVX-512 in the output channels past the last full block of 32, capped to AVX2 in other
 * shapes. Its NCHW kernels were exact there (docs/supernet.md). A wrong supernet trains and searches without any
 * error, so the CPU keeps NCHW unless {@code HILNAT_CHANNELS_LAST=1} asks for speed; GPUs use channels-last. Either
 * way a device is checked once against NCHW and matrix products, and keeps NCHW where that check fails; the check
 * covers the shapes seen failing, not every shape, which is why it does not make channels-last the CPU default.
 */
public final class ChannelsLast {

  /** Differences beyond this share of the largest output are not rounding. */
  static final double TOLERANCE = 1e-4;
  /**
   * Input and output channels and the side of 1×1 convolutions: outputs past a block of 32 (40, 72, 120) and within
   * one, at 14 px; and at 5 px, where the AVX2 kernels went wrong.
   */
  private static final int[][] POINTWISE = {{16, 40, 14}, {24, 72, 14}, {72, 24, 14}, {40, 120, 14}, {120, 40, 14},
      {48, 16, 14}, {480, 80, 5}, {80, 480, 5}, {112, 336, 5}, {960, 160, 5}};
  /** Channels and kernel of depthwise convolutions. */
  private static final int[][] DEPTHWISE = {{72, 3}, {120, 5}, {40, 7}};

  private static final Map<Device, Check> CHECKS = new ConcurrentHashMap<>();

  /** What the check found: the worst disagreement between layouts, relative to the largest output, and where. */
  public record Check(double worstError, String worstCase) {
    public boolean exact() {
      return worstError <= TOLERANCE;
    }

    public String describe() {
      return exact() ? String.format(Locale.ROOT, "exact (worst %.1e of the largest output)", worstError)
          : String.format(Locale.ROOT, "wrong by %.2g of the largest output in a %s; activations kept NCHW (slower)",
              worstError, worstCase);
    }
  }

  private ChannelsLast() {}

  /** {@code x} stored channels-last: the same values and NCHW shape, NHWC memory. */
  public static NDArray of(NDArray x) {
    Shape s = x.getShape();
    // reshaping to another shape forces the copy; a same-shape reshape would return the permuted view
    return x.transpose(0, 2, 3, 1).reshape(s.get(0), -1).reshape(s.get(0), s.get(2), s.get(3), s.get(1))
        .transpose(0, 3, 1, 2);
  }

  /**
   * Whether supernets on {@code device} keep activations channels-last: on a GPU, and on the CPU only when asked for
   * with {@code HILNAT_CHANNELS_LAST=1}; in both cases only where {@link #on} finds the convolutions exact.
   */
  public static boolean use(Device device) {
    return wanted(device) && on(device).exact();
  }

  /** The layout {@link #use} picks for {@code device}, as benchmarks report it. */
  public static String name(Device device) {
    return use(device) ? "channels-last" : "NCHW";
  }

  /** What {@link #use} decides for {@code device} and why, for `hilnat doctor`. */
  public static String decision(Device device) {
    if (!wanted(device)) {
      return "not used: NCHW on the CPU unless HILNAT_CHANNELS_LAST=1 (docs/supernet.md)";
    }
    Check check = on(device);
    return (check.exact() ? "used, convolutions " : "not used, convolutions ") + check.describe();
  }

  private static boolean wanted(Device device) {
    String asked = System.getenv("HILNAT_CHANNELS_LAST");
    return asked == null || asked.isBlank() ? device.isGpu() : asked.strip().equals("1");
  }

  /** The check of {@code device}, run once per process and device; says so on standard error when it fails. */
  public static Check on(Device device) {
    return CHECKS.computeIfAbsent(device, d -> {
      Check check;
      try (NDManager manager = NDManager.newBaseManager(d)) {
        check = run(manager, ChannelsLast::of);
      }
      if (!check.exact()) {
        System.err.println("hilnat: on " + d + ", channels-last convolutions disagree with NCHW ones (" + check
            .describe() + "). The engine's kernels for this processor are at fault (docs/supernet.md).");
      }
      return check;
    });
  }

  /**
   * Runs every case with activations laid out by {@code layout} against the reference: a matrix product for the 1×1
   * convolutions, the NCHW convolution for the depthwise ones. Inputs come from a generator of its own, so the
   * engine's random numbers are left where they were.
   */
  static Check run(NDManager manager, UnaryOperator<NDArray> layout) {
    Random random = new Random(1);
    double worst = 0;
    String where = "";
    try (NDScope scope = new NDScope()) {
      for (int[] c : POINTWISE) {
        NDArray x = normal(manager, random, 2, c[0], c[2], c[2]);
        NDArray w = normal(manager, random, c[1], c[0], 1, 1);
        NDArray reference = x.transpose(0, 2, 3, 1).reshape(-1, c[0]).matMul(w.reshape(c[1], c[0]).transpose())
            .reshape(2, c[2], c[2], c[1]).transpose(0, 3, 1, 2);
        double error = error(reference, convolve(layout.apply(x), w, 1, 1));
        if (error > worst) {
          worst = error;
          where = "1x1 convolution of " + c[0] + " to " + c[1] + " channels at " + c[2] + " px";
        }
      }
      for (int[] c : DEPTHWISE) {
        NDArray x = normal(manager, random, 2, c[0], 14, 14);
        NDArray w = normal(manager, random, c[0], 1, c[1], c[1]);
        double error = error(convolve(x, w, c[1], c[0]), convolve(layout.apply(x), w, c[1], c[0]));
        if (error > worst) {
          worst = error;
          where = c[1] + "x" + c[1] + " depthwise convolution of " + c[0] + " channels";
        }
      }
    }
    return new Check(worst, where);
  }

  private static NDArray normal(NDManager manager, Random random, long... shape) {
    float[] values = new float[(int) new Shape(shape).size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return manager.create(values, new Shape(shape));
  }

  private static NDArray convolve(NDArray x, NDArray w, int kernel, int groups) {
    return Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(kernel / 2, kernel / 2),
        new Shape(1, 1), groups).singletonOrThrow();
  }

  /** The largest absolute difference, relative to the reference's largest absolute value. */
  private static double error(NDArray reference, NDArray result) {
    return reference.sub(result).abs().max().getFloat() / Math.max(1e-12, reference.abs().max().getFloat());
  }
}
