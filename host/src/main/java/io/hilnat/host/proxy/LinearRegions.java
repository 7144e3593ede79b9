package io.hilnat.host.proxy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hilnat.host.net.DjlForward;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.supernet.Supernet;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * TE-NAS's expressivity proxy: how many distinct activation patterns (the sign of every unit entering a
 * ReLU or h-swish) a subnet at initialisation produces over random Gaussian inputs. Each pattern is a
 * linear region of the piecewise-linear network, so more regions means a more expressive subnet.
 * Patterns are hashed (SHA-1 of the packed bits) as they are produced, so memory stays small.
 *
 * <p>Inputs are tiny ({@code inputSize} pixels a side, TE-NAS: 3×3 crops): the subnets are fully
 * convolutional, and at full resolution every input lands in a region of its own (about a million units
 * feed the activations), so the count would rank nothing.
 */
public final class LinearRegions {

  private static final int CHUNK = 100;

  private final SearchSpace space;
  private final int channels;
  private final int classes;
  private final int inputs;
  private final int inputSize;
  private final int repeats;
  private final NDManager manager;

  /**
   * {@code inputs} random images (TE-NAS: 1000) of {@code channels} × {@code inputSize}², averaged over
   * {@code repeats}.
   */
  public LinearRegions(SearchSpace space, int channels, int classes, int inputs, int inputSize, int repeats,
      NDManager manager) {
    if (inputs < 1 || repeats < 1 || inputSize < 1) {
      throw new IllegalArgumentException("inputs, input size and repeats must be at least 1, not " + inputs + ", "
          + inputSize + " and " + repeats);
    }
    this.inputSize = inputSize;
    this.space = space;
    this.channels = channels;
    this.classes = classes;
    this.inputs = inputs;
    this.repeats = repeats;
    this.manager = manager;
  }

  /** Mean count of distinct patterns over the repeats, each with fresh weights and inputs drawn from {@code seed}. */
  public double of(Architecture arch, long seed) {
    double sum = 0;
    for (int r = 0; r < repeats; r++) {
      sum += count(arch, seed * 1_000_003L + r);
    }
    return sum / repeats;
  }

  private int count(Architecture arch, long seed) {
    Set<ByteBuffer> patterns = new HashSet<>();
    int size = inputSize;
    try (NDManager scope = manager.newSubManager()) {
      NetworkDescription net;
      try (Supernet supernet = new Supernet(space, channels, classes, scope, seed)) {
        net = supernet.extract(arch);
      }
      for (int from = 0; from < inputs; from += CHUNK) {
        int n = Math.min(CHUNK, inputs - from);
        try (NDManager chunk = scope.newSubManager()) {
          // the engine's generator was seeded with the weights, so the inputs follow from seed too
          NDArray x = chunk.randomNormal(0f, 1f, new Shape(n, channels, size, size), DataType.FLOAT32);
          patterns.addAll(patterns(net, x));
        }
      }
    }
    return patterns.size();
  }

  /** Each input's pattern over {@code x} ({@code [N, C, H, W]}), as a hash. */
  static List<ByteBuffer> patterns(NetworkDescription net, NDArray x) {
    int n = (int) x.getShape().get(0);
    MessageDigest[] digests = new MessageDigest[n];
    for (int i = 0; i < n; i++) {
      digests[i] = sha1();
    }
    DjlForward.forward(net, x, pre -> hashSigns(pre, digests));
    List<ByteBuffer> hashes = new ArrayList<>();
    for (MessageDigest d : digests) {
      hashes.add(ByteBuffer.wrap(d.digest()));
    }
    return hashes;
  }

  /** Adds each input's signs of {@code pre} ({@code [N, ...]}), eight to a byte, to its digest. */
  private static void hashSigns(NDArray pre, MessageDigest[] digests) {
    boolean[] signs = pre.gt(0f).toBooleanArray();
    int per = signs.length / digests.length;
    byte[] packed = new byte[(per + 7) / 8];
    for (int i = 0; i < digests.length; i++) {
      Arrays.fill(packed, (byte) 0);
      for (int u = 0; u < per; u++) {
        if (signs[i * per + u]) {
          packed[u >> 3] |= (byte) (1 << (u & 7));
        }
      }
      digests[i].update(packed);
    }
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every Java runtime", e);
    }
  }
}
