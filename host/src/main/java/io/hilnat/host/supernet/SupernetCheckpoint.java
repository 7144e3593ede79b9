package io.hilnat.host.supernet;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A supernet folder: {@code supernet.json} (space, input channels, classes, data, steps trained),
 * {@code space.yaml} (the space itself, so a supernet of a space read from a file loads anywhere) and
 * {@code supernet.bin.gz} (weights and batch-norm statistics). Written atomically, so a crash never
 * leaves a half checkpoint. {@code held-out.json}, where present, names the training images it never saw.
 */
public final class SupernetCheckpoint {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HELD_OUT = "held-out.json";
  private static final String ORIGIN = "origin.json";

  /** The data of an imported supernet: none hilnat can load, so its {@link Origin} says how it takes images. */
  public static final String IMPORTED_DATA = "imported";

  /**
   * The training images a supernet was trained without: the stratified split of {@code validationImages} drawn with
   * {@code seed} from {@code data}'s training set, as a search holds out for validation. A search validating on the
   * same split scores subnets on images the supernet never saw.
   */
  public record HeldOut(String data, int validationImages, long seed) {
    @Override
    public String toString() {
      return validationImages + " images of " + data + " (seed " + seed + ")";
    }
  }

  /**
   * Where an imported supernet came from, and the normalisation it was trained with: what an export of it uses
   * where there is no training set of ours to take it from. Its batch-norm statistics are the checkpoint's.
   */
  public record Origin(String source, String sha256, float[] mean, float[] std) {}

  private SupernetCheckpoint() {}

  public static void saveOrigin(Path dir, Origin origin) throws IOException {
    writeJson(dir, ORIGIN, origin);
  }

  /** The origin of an imported supernet; empty for one trained here. */
  public static Optional<Origin> origin(Path dir) throws IOException {
    return readJson(dir, ORIGIN, Origin.class);
  }

  public static void saveHeldOut(Path dir, HeldOut heldOut) throws IOException {
    Files.createDirectories(dir);
    writeJson(dir, HELD_OUT, heldOut);
  }

  /** What the supernet in {@code dir} was trained without; empty when it saw every training image (or is older). */
  public static Optional<HeldOut> heldOut(Path dir) throws IOException {
    return readJson(dir, HELD_OUT, HeldOut.class);
  }

  /** Writes {@code value} as {@code dir/name} whole or not at all. */
  private static void writeJson(Path dir, String name, Object value) throws IOException {
    Path tmp = dir.resolve(name + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), value);
    Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static <T> Optional<T> readJson(Path dir, String name, Class<T> type) throws IOException {
    Path file = dir.resolve(name);
    return Files.isRegularFile(file) ? Optional.of(JSON.readValue(file.toFile(), type)) : Optional.empty();
  }

  public static void save(Supernet net, Path dir, String data, long steps) throws IOException {
    Files.createDirectories(dir);
    Path weights = dir.resolve("supernet.bin.gz.tmp");
    net.save(weights);
    ObjectNode meta = JSON.createObjectNode();
    meta.put("space", net.space().name()).put("input_channels", net.inputChannels()).put("classes", net.classes())
        .put("data", data).put("steps", steps);
    Path spaceTmp = dir.resolve("space.yaml.tmp");
    Files.writeString(spaceTmp, SearchSpaceLoader.toYaml(net.space()));
    Files.move(spaceTmp, dir.resolve("space.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Path metaTmp = dir.resolve("supernet.json.tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(metaTmp.toFile(), meta);
    Files.move(weights, dir.resolve("supernet.bin.gz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Files.move(metaTmp, dir.resolve("supernet.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public static JsonNode metadata(Path dir) throws IOException {
    Path meta = dir.resolve("supernet.json");
    if (!Files.isRegularFile(meta)) {
      throw new IOException(dir + " holds no supernet (supernet.json is missing): train one with "
          + "`hilnat supernet train --out " + dir + "`");
    }
    return JSON.readTree(meta.toFile());
  }

  /** The supernet saved in {@code dir}, in a sub-manager of {@code manager}. */
  public static Supernet load(Path dir, NDManager manager) throws IOException {
    return load(dir, space(dir), manager);
  }

  /** The space of the supernet saved in {@code dir}. */
  public static SearchSpace space(Path dir) throws IOException {
    String name = metadata(dir).get("space").asText();
    Path space = dir.resolve("space.yaml");
    // checkpoints written before space.yaml existed name a built-in space
    return SearchSpaceLoader.load(Files.isRegularFile(space) ? space.toString() : name);
  }

  /** The supernet of {@code space} saved in {@code dir}. */
  public static Supernet load(Path dir, SearchSpace space, NDManager manager) throws IOException {
    JsonNode meta = metadata(dir);
    if (!space.name().equals(meta.get("space").asText())) {
      throw new IOException(dir + " holds a supernet of space '" + meta.get("space").asText() + "', not '"
          + space.name() + "'");
    }
    Supernet net = new Supernet(space, meta.get("input_channels").asInt(), meta.get("classes").asInt(), manager, 0);
    net.load(dir.resolve("supernet.bin.gz"));
    return net;
  }
}
