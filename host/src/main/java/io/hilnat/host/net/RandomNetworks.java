package io.hilnat.host.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * MobileNetV3-style networks with random configuration and random (well-scaled) weights: for export
 * checks, latency measurements of layers, and benchmarks where only the shape matters.
 */
public final class RandomNetworks {

  private static final int[] KERNELS = {3, 5, 7};
  private static final int[] EXPANDS = {3, 4, 6};

  private final Random random;

  public RandomNetworks(long seed) {
    this.random = new Random(seed);
  }

  /** A stem, {@code blocks} random MBConv blocks, a 1×1 head conv, pooling and a classifier. */
  public NetworkDescription mbconvNet(String name, int inputChannels, int size, int blocks, int classes) {
    List<Node> nodes = new ArrayList<>();
    int channels = 8 + 8 * random.nextInt(3);
    nodes.addAll(convBnAct(inputChannels, channels, 3, random.nextBoolean() ? 2 : 1, false, randomActivation()));
    for (int b = 0; b < blocks; b++) {
      int stride = random.nextInt(3) == 0 ? 2 : 1;
      int out = random.nextBoolean() ? channels : 8 + 8 * random.nextInt(4);
      int mid = channels * EXPANDS[random.nextInt(3)];
      nodes.addAll(mbconv(channels, mid, out, KERNELS[random.nextInt(3)], stride,
          random.nextBoolean() ? Math.max(8, mid / 4) : 0, randomActivation()));
      channels = out;
    }
    nodes.addAll(convBnAct(channels, 32, 1, 1, false, Activation.Kind.HSWISH));
    nodes.add(new GlobalAvgPool());
    nodes.add(dense(32, classes));
    return new NetworkDescription(name, inputChannels, size, nodes);
  }

  /**
   * One MBConv block: 1×1 expand to {@code mid} (skipped when {@code mid == in}), depthwise, squeeze-excite
   * to {@code seChannels} (none when 0), 1×1 project. A residual wraps it when stride is 1 and channels
   * are kept.
   */
  public List<Node> mbconv(int in, int mid, int out, int kernel, int stride, int seChannels, Activation.Kind act) {
    List<Node> body = new ArrayList<>();
    if (mid != in) {
      body.addAll(convBnAct(in, mid, 1, 1, false, act));
    }
    body.addAll(convBnAct(mid, mid, kernel, stride, true, act));
    if (seChannels > 0) {
      body.add(squeezeExcite(mid, seChannels));
    }
    body.add(conv(mid, out, 1, 1, false));
    // a small gain on the residual branch keeps activations of order one through deep stacks
    body.add(batchNorm(out, stride == 1 && in == out ? 0.2f : 1f));
    return stride == 1 && in == out ? List.of(new Residual(body)) : body;
  }

  public List<Node> convBnAct(int in, int out, int kernel, int stride, boolean depthwise, Activation.Kind act) {
    return List.of(conv(in, out, kernel, stride, depthwise), batchNorm(out), new Activation(act));
  }

  /** He-scaled weights so activations stay of order one through deep stacks. */
  public Conv2d conv(int in, int out, int kernel, int stride, boolean depthwise) {
    int fanIn = (depthwise ? 1 : in) * kernel * kernel;
    float[] w = gaussian(out * fanIn, Math.sqrt(2.0 / fanIn));
    return new Conv2d(in, out, kernel, stride, depthwise, w, null);
  }

  public BatchNorm batchNorm(int channels) {
    return batchNorm(channels, 1f);
  }

  /** Random inference statistics; {@code gain} scales gamma. */
  public BatchNorm batchNorm(int channels, float gain) {
    float[] gamma = new float[channels];
    float[] beta = new float[channels];
    float[] mean = new float[channels];
    float[] var = new float[channels];
    for (int c = 0; c < channels; c++) {
      gamma[c] = gain * (0.5f + random.nextFloat());
      beta[c] = (float) (0.2 * random.nextGaussian());
      mean[c] = (float) (0.2 * random.nextGaussian());
      var[c] = 0.5f + random.nextFloat();
    }
    return new BatchNorm(channels, gamma, beta, mean, var, 1e-5f);
  }

  public SqueezeExcite squeezeExcite(int channels, int reduced) {
    return new SqueezeExcite(channels, reduced,
        gaussian(channels * reduced, Math.sqrt(2.0 / channels)), gaussian(reduced, 0.1),
        gaussian(channels * reduced, Math.sqrt(1.0 / reduced)), gaussian(channels, 0.1));
  }

  public Dense dense(int in, int out) {
    return new Dense(in, out, gaussian(in * out, Math.sqrt(1.0 / in)), gaussian(out, 0.1));
  }

  private Activation.Kind randomActivation() {
    return random.nextBoolean() ? Activation.Kind.RELU : Activation.Kind.HSWISH;
  }

  private float[] gaussian(int n, double std) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (std * random.nextGaussian());
    }
    return values;
  }

  /** Uniform random image values in [0, 1), NCHW. */
  public float[] image(int channels, int size) {
    float[] values = new float[channels * size * size];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat();
    }
    return values;
  }

  /** NCHW (one image) to NHWC, the layout of exported models' input. */
  public static float[] toNhwc(float[] chw, int channels, int size) {
    return NetworkDescription.nhwc(chw, channels, size);
  }
}
