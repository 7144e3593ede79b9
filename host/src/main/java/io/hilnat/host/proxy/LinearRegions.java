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
import java.util.List;

/**
 * TE-NAS's expressivity proxy: how many linear regions of a subnet at initialisation (sets of inputs sharing one
 * activation pattern: the sign of every unit entering a ReLU or h-swish) a family of inputs meets. More regions
 * means a more expressive subnet. Patterns are hashed (SHA-1 of the packed bits) as they are produced.
 *
 * <p>TE-NAS counts distinct patterns over random inputs to a thin network. Our subnets are wide (hundreds of
 * thousands of units), so every random input lands in a region of its own and that count ranks nothing. We
 * count along a line instead (Hanin and Rolnick): {@code inputs} evenly spaced points on a short segment
 * through input space, each change of pattern between neighbours entering a new region. The segment is
 * {@code segment} × the distance between two random inputs, short enough that neighbours mostly share one.
 */
public final class LinearRegions {

  private static final int CHUNK = 100;

  private final SearchSpace space;
  private final int channels;
  private final int classes;
  private final int inputs;
  private final double segment;
  private final int repeats;
  private final NDManager manager;

  /**
   * {@code inputs} points at the subnet's resolution on a segment {@code segment} × the distance between two
   * random images long, averaged over {@code repeats} initialisations.
   */
  public LinearRegions(SearchSpace space, int channels, int classes, int inputs, double segment, int repeats,
      NDManager manager) {
    if (inputs < 2 || repeats < 1 || !(segment > 0)) {
      throw new IllegalArgumentException("need at least 2 inputs, 1 repeat and a positive segment, not " + inputs
          + ", " + repeats + " and " + segment);
    }
    this.segment = segment;
    this.space = space;
    this.channels = channels;
    this.classes = classes;
    this.inputs = inputs;
    this.repeats = repeats;
    this.manager = manager;
  }

  /** Mean count of regions met over the repeats, each with fresh weights and inputs drawn from {@code seed}. */
  public double of(Architecture arch, long seed) {
    double sum = 0;
    for (int r = 0; r < repeats; r++) {
      sum += count(arch, seed * 1_000_003L + r);
    }
    return sum / repeats;
  }

  private int count(Architecture arch, long seed) {
    int size = arch.resolution();
    int regions = 1;
    try (NDManager scope = manager.newSubManager()) {
      NetworkDescription net;
      try (Supernet supernet = new Supernet(space, channels, classes, scope, seed)) {
        net = supernet.extract(arch);
      }
      // the engine's generator was seeded with the weights, so the segment follows from seed too
      NDArray start = scope.randomNormal(0f, 1f, new Shape(1, channels, size, size), DataType.FLOAT32);
      NDArray step = scope.randomNormal(0f, 1f, new Shape(1, channels, size, size), DataType.FLOAT32).sub(start)
          .mul((float) (segment / Math.max(1, inputs - 1)));
      ByteBuffer previous = null;
      for (int from = 0; from < inputs; from += CHUNK) {
        int n = Math.min(CHUNK, inputs - from);
        try (NDManager chunk = scope.newSubManager()) {
          float[] t = new float[n];
          for (int i = 0; i < n; i++) {
            t[i] = from + i;
          }
          NDArray x = start.add(chunk.create(t, new Shape(n, 1, 1, 1)).mul(step));
          for (ByteBuffer pattern : patterns(net, x)) {
            if (previous != null && !pattern.equals(previous)) {
              regions++;
            }
            previous = pattern;
          }
        }
      }
    }
    return regions;
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
