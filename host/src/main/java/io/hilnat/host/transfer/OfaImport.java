package io.hilnat.host.transfer;

import io.hilnat.host.engine.ComputeDevice;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hilnat.host.net.Activation;
import io.hilnat.host.space.FixedLayerSpec;
import io.hilnat.host.space.HeadSpec;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.StageSpec;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Once-for-All's MobileNetV3 supernets ({@code ofa_mbv3_d234_e346_k357_w1.0} and {@code _w1.2}, as OFA publishes
 * them) as hilnat supernets of the {@code ofa-mbv3} space at the checkpoint's width. Only names change: hilnat's
 * supernet computes OFA's arithmetic (make_divisible channels, SE placement, elastic-kernel transforms, a head
 * whose feature-mix layer has no batch norm), so a subnet gives OFA's logits for OFA's {@code set_active_subnet}.
 */
public final class OfaImport {

  /** OFA's published widths, told apart by the first conv's channels. */
  private static final Map<Long, Double> WIDTHS = Map.of(16L, 1.0, 24L, 1.2);
  private static final String FIRST_CONV = "first_conv.conv.weight";

  private OfaImport() {}

  /** The state dict as OFA's current code names it: no DataParallel prefix, {@code .conv.} for the old block name. */
  static Map<String, TorchTensor> canonical(Map<String, TorchTensor> stateDict) {
    boolean parallel = stateDict.keySet().stream().allMatch(k -> k.startsWith("module."));
    Map<String, TorchTensor> out = new LinkedHashMap<>();
    stateDict.forEach((key, value) -> {
      String k = parallel ? key.substring("module.".length()) : key;
      // OFAMobileNetV3.load_state_dict makes the same rename for files saved before 2020-11
      out.put(k.replace(".mobile_inverted_conv.", ".conv."), value);
    });
    return out;
  }

  /** Refuses Once-for-All's other supernet families, by the key names that set them apart. */
  static void checkFamily(String source, Set<String> keys) {
    if (keys.stream().anyMatch(k -> k.startsWith("input_stem."))) {
      throw new ImportException(source + ": a Once-for-All ResNet supernet (ofa_resnet50: it has input_stem.*); "
          + "hilnat imports OFA's MobileNetV3 supernets (ofa_mbv3_d234_e346_k357_w1.0, _w1.2)");
    }
    if (keys.contains("feature_mix_layer.bn.weight") || keys.contains("feature_mix_layer.bn.running_mean")
        || keys.stream().noneMatch(k -> k.startsWith("final_expand_layer.")) && keys.contains(FIRST_CONV)) {
      throw new ImportException(source + ": a Once-for-All ProxylessNAS supernet (ofa_proxyless: its feature-mix "
          + "layer has a batch norm and there is no final_expand_layer); hilnat imports OFA's MobileNetV3 supernets "
          + "(ofa_mbv3_d234_e346_k357_w1.0, _w1.2)");
    }
    if (!keys.contains(FIRST_CONV)) {
      throw new ImportException(source + ": not a Once-for-All MobileNetV3 state dict (no " + FIRST_CONV
          + "; its keys begin " + keys.stream().limit(3).toList() + ")");
    }
  }

  /** The checkpoint's width multiplier, from its first conv's output channels. */
  static double width(String source, Map<String, TorchTensor> stateDict) {
    long channels = stateDict.get(FIRST_CONV).shape()[0];
    Double width = WIDTHS.get(channels);
    if (width == null) {
      throw new ImportException(source + ": its first conv has " + channels + " channels, so its width is none of "
          + "OFA's published ones (1.0: 16 channels, 1.2: 24)");
    }
    return width;
  }

  /**
   * {@code base} at one width, named for it: the supernet holds exactly the checkpoint's arrays. {@code base} must
   * be OFA's MobileNetV3 network (the built-in {@code ofa-mbv3}, or a copy with other resolutions).
   */
  public static SearchSpace space(SearchSpace base, double width) {
    List<String> wrong = new ArrayList<>();
    check(wrong, "kernels", base.kernels(), List.of(3, 5, 7));
    check(wrong, "expand_ratios", base.expandRatios(), List.of(3, 4, 6));
    check(wrong, "depths", base.depths(), List.of(2, 3, 4));
    check(wrong, "stem", base.stem(), new FixedLayerSpec(16, 2, 3, 1, Activation.Kind.HSWISH, false));
    check(wrong, "first_block", base.firstBlock(), new FixedLayerSpec(16, 1, 3, 1, Activation.Kind.RELU, false));
    check(wrong, "stages", base.stages(), List.of(new StageSpec(24, 2, Activation.Kind.RELU, false),
        new StageSpec(40, 2, Activation.Kind.RELU, true), new StageSpec(80, 2, Activation.Kind.HSWISH, false),
        new StageSpec(112, 1, Activation.Kind.HSWISH, true), new StageSpec(160, 2, Activation.Kind.HSWISH, true)));
    HeadSpec head = base.head();
    if (head.expandChannels() != 960 || head.featureChannels() != 1280 || head.activation() != Activation.Kind.HSWISH) {
      wrong.add("head " + head + " is not OFA's (960, 1280, hswish)");
    }
    if (!base.widths().contains(width)) {
      wrong.add("widths " + base.widths() + " lack the checkpoint's " + width);
    }
    if (!wrong.isEmpty()) {
      throw new ImportException("space '" + base.name() + "' is not Once-for-All's MobileNetV3 network: "
          + String.join("; ", wrong) + " (use ofa-mbv3, or a copy of it with other resolutions)");
    }
    String name = base.widths().size() == 1 ? base.name() : base.name() + String.format(Locale.ROOT, "-w%.1f", width);
    return new SearchSpace(name, base.resolutions(), List.of(width), base.kernels(), base.expandRatios(), base.depths(),
        base.stem(), base.firstBlock(), base.stages(), base.head());
  }

  private static void check(List<String> wrong, String field, Object actual, Object expected) {
    if (!actual.equals(expected)) {
      wrong.add(field + " " + actual + " (OFA: " + expected + ")");
    }
  }

  /**
   * The supernet {@code stateDict} describes, in {@code manager}. Every array of it comes from the checkpoint;
   * a missing or extra key, or a shape that differs, is an error naming them.
   */
  public static Supernet supernet(String source, Map<String, TorchTensor> stateDict, SearchSpace base,
      NDManager manager) {
    Map<String, TorchTensor> dict = canonical(stateDict);
    checkFamily(source, dict.keySet());
    double width = width(source, dict);
    SearchSpace space = space(base, width);
    int classes = Math.toIntExact(dict.containsKey("classifier.linear.weight")
        ? dict.get("classifier.linear.weight").shape()[0] : 1000);
    Supernet net = new Supernet(space, 3, classes, manager, 0);
    try {
      Map<String, String> keys = new LinkedHashMap<>();
      net.arrayShapes().keySet().forEach(name -> keys.put(name, ofaKey(name, space.kernels())));
      Set<String> missing = new TreeSet<>(keys.values());
      missing.removeAll(dict.keySet());
      Set<String> extra = new TreeSet<>(dict.keySet());
      extra.removeAll(keys.values());
      extra.removeIf(k -> k.endsWith(".num_batches_tracked"));
      if (!missing.isEmpty() || !extra.isEmpty()) {
        throw new ImportException(source + ": its state dict does not fit OFA's MobileNetV3 at width " + width
            + (missing.isEmpty() ? "" : "; missing " + missing.size() + " keys: " + sample(missing))
            + (extra.isEmpty() ? "" : "; " + extra.size() + " unexpected keys: " + sample(extra)));
      }
      for (Map.Entry<String, String> e : keys.entrySet()) {
        TorchTensor t = dict.get(e.getValue());
        Shape expected = net.arrayShapes().get(e.getKey());
        if (!t.floating() || !sameShape(t.shape(), expected.getShape())) {
          throw new ImportException(source + ": " + e.getValue() + " is " + t + ", OFA's MobileNetV3 at width " + width
              + " has " + expected + " float32 there");
        }
        net.assign(e.getKey(), t.values());
      }
      return net;
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
  }

  /**
   * Reads {@code checkpoint} and writes it to {@code out} as a hilnat supernet folder, with its own batch-norm
   * statistics and the input convention given; {@code out} appears complete or not at all.
   */
  public static Path importTo(Path checkpoint, Path out, SearchSpace base, float[] mean, float[] std,
      PrintWriter log) throws IOException {
    if (Files.exists(out) && (!Files.isDirectory(out) || hasEntries(out))) {
      throw new ImportException(out + " already exists: choose a new --out (an import never overwrites)");
    }
    if (mean.length != 3 || std.length != 3) {
      throw new ImportException("--mean and --std need 3 values (RGB), got " + mean.length + " and " + std.length);
    }
    log.printf("reading %s (%.1f MB)%n", checkpoint, Files.size(checkpoint) / 1e6);
    log.flush();
    Map<String, TorchTensor> stateDict = TorchCheckpoint.stateDict(checkpoint);
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path staging = Files.createTempDirectory(parent, "." + out.getFileName() + ".importing-");
    try (NDManager manager = ComputeDevice.newManager();
        Supernet net = supernet(checkpoint.toString(), stateDict, base, manager)) {
      SupernetCheckpoint.save(net, staging, SupernetCheckpoint.IMPORTED_DATA, 0);
      SupernetCheckpoint.saveOrigin(staging, new SupernetCheckpoint.Origin("once-for-all "
          + checkpoint.getFileName(), sha256(checkpoint), mean, std));
      Files.deleteIfExists(out);
      Files.move(staging, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      log.printf(Locale.ROOT, "imported %d arrays (%.2f M parameters) into %s: space %s, %d classes, batch-norm "
              + "statistics of the checkpoint%n", net.arrayShapes().size(),
          net.parameters().stream().mapToLong(a -> a.size()).sum() / 1e6, out, net.space().name(), net.classes());
      return out;
    } catch (IOException | RuntimeException e) {
      deleteTree(staging);
      throw e;
    }
  }

  /** OFA's state-dict key for hilnat's array {@code name}. */
  static String ofaKey(String name, List<Integer> kernels) {
    if (name.startsWith("classifier.")) {
      return "classifier.linear." + name.substring("classifier.".length());
    }
    if (name.equals("head.feature_mix.weight")) {
      return "feature_mix_layer.conv.weight";
    }
    if (name.startsWith("stem.")) {
      return "first_conv." + plainLayer(name.substring("stem.".length()));
    }
    if (name.startsWith("head.expand.")) {
      return "final_expand_layer." + plainLayer(name.substring("head.expand.".length()));
    }
    if (name.startsWith("first.")) {
      return "blocks.0.conv." + blockPart(name.substring("first.".length()), false, kernels);
    }
    // stageS.layerJ.rest: OFA numbers the elastic blocks 1.. after the fixed first one, maxDepth per stage
    String[] parts = name.split("\\.", 3);
    int stage = Integer.parseInt(parts[0].substring("stage".length())) - 1;
    int layer = Integer.parseInt(parts[1].substring("layer".length())) - 1;
    return "blocks." + (1 + stage * 4 + layer) + ".conv." + blockPart(parts[2], true, kernels);
  }

  /** A convolution with its batch norm, not elastic: {@code weight}, {@code bn.X}. */
  private static String plainLayer(String rest) {
    return rest.equals("weight") ? "conv.weight" : "bn." + batchNorm(rest.substring("bn.".length()));
  }

  private static String blockPart(String rest, boolean elastic, List<Integer> kernels) {
    String[] parts = rest.split("\\.", 2);
    if (parts[0].equals("se")) {
      return "depth_conv.se.fc." + parts[1];
    }
    String layer = switch (parts[0]) {
      case "expand" -> "inverted_bottleneck";
      case "depthwise" -> "depth_conv";
      case "project" -> "point_linear";
      default -> throw new IllegalArgumentException("no OFA name for " + rest);
    };
    String tail = parts[1];
    String wrap = elastic ? "conv." : "";
    if (tail.equals("weight")) {
      return layer + ".conv." + wrap + "weight";
    }
    if (tail.startsWith("transform")) {
      int k = Integer.parseInt(tail.substring("transform".length(), tail.indexOf('x')));
      return layer + ".conv." + kernels.get(kernels.indexOf(k) + 1) + "to" + k + "_matrix";
    }
    return layer + ".bn." + (elastic ? "bn." : "") + batchNorm(tail.substring("bn.".length()));
  }

  private static String batchNorm(String hilnat) {
    return switch (hilnat) {
      case "gamma" -> "weight";
      case "beta" -> "bias";
      default -> hilnat; // running_mean, running_var
    };
  }

  /** Shapes equal up to trailing 1s: OFA's squeeze-excite is 1×1 convs, hilnat's is dense. */
  private static boolean sameShape(long[] ofa, long[] ours) {
    return Arrays.equals(trimmed(ofa), trimmed(ours));
  }

  private static long[] trimmed(long[] shape) {
    int n = shape.length;
    while (n > 2 && shape[n - 1] == 1) {
      n--;
    }
    return Arrays.copyOf(shape, n);
  }

  private static String sample(Set<String> keys) {
    return keys.stream().limit(8).collect(Collectors.joining(", ")) + (keys.size() > 8 ? ", ..." : "");
  }

  private static boolean hasEntries(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isPresent();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static String sha256(Path file) throws IOException {
    try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest
        .getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return java.util.HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A checkpoint hilnat cannot import, said so the user can act on it. */
  public static final class ImportException extends RuntimeException {
    ImportException(String message) {
      super(message);
    }
  }
}
