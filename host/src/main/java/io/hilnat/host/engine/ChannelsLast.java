package io.hilnat.host.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * Activations stored channels-last (NHWC memory, NCHW shape), and whether this process uses them. On the CPU,
 * channels-last lets oneDNN run the depthwise convolutions' weight gradients with its direct kernels instead of a
 * much slower GEMM fallback. But oneDNN picks its channels-last kernels by processor, instruction set and thread
 * count, and on a 2-core AMD Zen 5 host oneDNN 3.7.1 (DJL's PyTorch 2.7.1) gave wrong 1×1 convolution outputs, the
 * same way each time: with AVX-512 in the output channels past the last full block of 32, capped to AVX2 in other
 * shapes (docs/supernet.md). So a channels-last supernet runs its 1×1 convolutions as matrix products over the
 * pixels ({@link #pointwise}), which is what those kernels compute, and leaves oneDNN its depthwise convolutions,
 * batch norms and activations. A wrong supernet trains and searches without any error, so each device is first
 * checked ({@link #on}): the outputs and gradients of those layers against NCHW ones over a grid of shapes, and
 * keeps NCHW where they disagree. {@code HILNAT_CHANNELS_LAST=0} keeps NCHW everywhere.
 */
public final class ChannelsLast {

  /** Differences beyond this share of the largest value are not rounding. */
  static final double TOLERANCE = 1e-4;
  /**
   * Input and output channels and the side of 1×1 convolutions: outputs past a block of 32 (40, 72, 120) and within
   * one, at 14 px; and at 5 px, where oneDNN's AVX2 channels-last kernels went wrong.
   */
  private static final int[][] POINTWISE = {{16, 40, 14}, {24, 72, 14}, {72, 24, 14}, {40, 120, 14}, {120, 40, 14},
      {48, 16, 14}, {480, 80, 5}, {80, 480, 5}, {112, 336, 5}, {960, 160, 5}};
  /**
   * Channels of depthwise convolutions, each checked with every kernel and stride at 14 and 5 px: each remainder of
   * a block of 32 that the spaces' widths have (8, 16, 24 and none), from one block up to the widest expanded layer
   * of the spaces shipped. Every process that builds a supernet runs this grid once, so it stays small.
   */
  private static final int[] DEPTHWISE_CHANNELS = {8, 16, 24, 32, 40, 72, 120, 200, 480, 1152};

  private static final Map<Device, Check> CHECKS = new ConcurrentHashMap<>();

  /** What the check found: the worst disagreement between layouts, relative to the largest value, and where. */
  public record Check(double worstError, String worstCase) {
    public boolean exact() {
      return worstError <= TOLERANCE;
    }

    public String describe() {
      return exact() ? String.format(Locale.ROOT, "exact (worst %.1e of the largest value)", worstError)
          : String.format(Locale.ROOT, "wrong by %.2g of the largest value in %s; activations kept NCHW (slower)",
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
   * A 1×1 convolution of channels-last {@code x} by {@code weight} [O, C, 1, 1], as one matrix product of its pixels
   * [N·H·W, C] by the weight: the permutations and reshapes around it are views, and its output is channels-last too.
   */
  public static NDArray pointwise(NDArray x, NDArray weight) {
    Shape s = x.getShape();
    long out = weight.getShape().get(0);
    return x.transpose(0, 2, 3, 1).reshape(-1, s.get(1)).matMul(weight.reshape(out, s.get(1)).transpose())
        .reshape(s.get(0), s.get(2), s.get(3), out).transpose(0, 3, 1, 2);
  }

  /**
   * Whether supernets on {@code device} keep activations channels-last: unless {@code HILNAT_CHANNELS_LAST=0}, where
   * {@link #on} finds this device's kernels exact that way.
   */
  public static boolean use(Device device) {
    return wanted() && on(device).exact();
  }

  /** The layout {@link #use} picks for {@code device}, as benchmarks report it. */
  public static String name(Device device) {
    return use(device) ? "channels-last" : "NCHW";
  }

  /** What {@link #use} decides for {@code device} and why, for `hilnat doctor`. */
  public static String decision(Device device) {
    if (!wanted()) {
      return "not used: HILNAT_CHANNELS_LAST=0";
    }
    Check check = on(device);
    return (check.exact() ? "used, layers " : "not used, layers ") + check.describe();
  }

  private static boolean wanted() {
    String asked = System.getenv("HILNAT_CHANNELS_LAST");
    return asked == null || !asked.strip().equals("0");
  }

  /** The check of {@code device}, run once per process and device; says so on standard error when it fails. */
  public static Check on(Device device) {
    return CHECKS.computeIfAbsent(device, d -> {
      Check check;
      try (NDManager manager = NDManager.newBaseManager(d)) {
        check = run(manager, ChannelsLast::of);
      }
      if (!check.exact()) {
        System.err.println("hilnat: on " + d + ", channels-last layers disagree with NCHW ones (" + check
            .describe() + "). The engine's kernels for this processor are at fault (docs/supernet.md).");
      }
      return check;
    });
  }

  /**
   * Runs every case with activations laid out by {@code layout}, as a channels-last supernet runs it, against the
   * NCHW convolution: outputs and the gradients of input and weight. Inputs come from a generator of its own, so
   * the engine's random numbers are left where they were.
   */
  static Check run(NDManager manager, UnaryOperator<NDArray> layout) {
    Random random = new Random(1);
    Check worst = new Check(0, "");
    for (int[] c : POINTWISE) {
      worst = worse(worst, compare(manager, random, new int[] {c[0], c[2], c[2]}, new int[] {c[1], c[0], 1, 1},
          (x, w) -> convolve(x, w, 1, 1, 1), (x, w) -> pointwise(layout.apply(x), w),
          "a 1x1 convolution of " + c[0] + " to " + c[1] + " channels at " + c[2] + " px"));
    }
    for (int channels : DEPTHWISE_CHANNELS) {
      for (int kernel : new int[] {3, 5, 7}) {
        for (int stride : new int[] {1, 2}) {
          for (int side : new int[] {14, 5}) {
            String what = "a " + kernel + "x" + kernel + " depthwise convolution of " + channels + " channels, stride "
                + stride + ", at " + side + " px";
            worst = worse(worst, compare(manager, random, new int[] {channels, side, side},
                new int[] {channels, 1, kernel, kernel}, (x, w) -> convolve(x, w, kernel, stride, channels),
                (x, w) -> convolve(layout.apply(x), w, kernel, stride, channels), what));
          }
        }
      }
    }
    return worst;
  }

  private static Check worse(Check a, Check b) {
    return b.worstError() > a.worstError() ? b : a;
  }

  /** The worst relative difference between {@code reference} and {@code tried} in output, input and weight gradient. */
  private static Check compare(NDManager manager, Random random, int[] input, int[] weight,
      BinaryOperator<NDArray> reference, BinaryOperator<NDArray> tried, String what) {
    try (NDScope scope = new NDScope()) {
      NDArray x = normal(manager, random, 2, input[0], input[1], input[2]);
      NDArray w = normal(manager, random, weight[0], weight[1], weight[2], weight[3]);
      NDArray[] expected = withGradients(manager, x, w, reference);
      NDArray[] got = withGradients(manager, x, w, tried);
      double error = 0;
      for (int i = 0; i < expected.length; i++) {
        error = Math.max(error, error(expected[i], got[i]));
      }
      return new Check(error, what);
    }
  }

  /**
   * {@code op}'s output and the gradients of its two operands, the loss being its summed squares: the upstream gradient
   * is twice the output, as random as the inputs, and agrees between two ops whenever their outputs do.
   */
  private static NDArray[] withGradients(NDManager manager, NDArray x, NDArray w, BinaryOperator<NDArray> op) {
    NDArray input = x.duplicate();
    NDArray weight = w.duplicate();
    input.setRequiresGradient(true);
    weight.setRequiresGradient(true);
    NDArray out;
    try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
      out = op.apply(input, weight);
      collector.backward(out.square().sum());
    }
    return new NDArray[] {out, input.getGradient().duplicate(), weight.getGradient().duplicate()};
  }

  private static NDArray normal(NDManager manager, Random random, long... shape) {
    float[] values = new float[(int) new Shape(shape).size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return manager.create(values, new Shape(shape));
  }

  private static NDArray convolve(NDArray x, NDArray w, int kernel, int stride, int groups) {
    return Conv2d.conv2d(x, w, null, new Shape(stride, stride), new Shape(kernel / 2, kernel / 2),
        new Shape(1, 1), groups).singletonOrThrow();
  }

  /** The largest absolute difference, relative to the reference's largest absolute value. */
  private static double error(NDArray reference, NDArray result) {
    return reference.sub(result).abs().max().getFloat() / Math.max(1e-12, reference.abs().max().getFloat());
  }
}
