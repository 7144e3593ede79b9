package io.hilnat.host.space;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hilnat.host.net.Activation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads search spaces from YAML. Built-in spaces ({@code ofa-mbv3}, {@code small-mbv3}) are resources;
 * anything else is a path. Every error names the source and the field.
 */
public final class SearchSpaceLoader {

  public static final List<String> BUILT_IN = List.of("ofa-mbv3", "small-mbv3", "tiny-mbv3", "tiny-cpu-mbv3",
      "tiny-cpu-k5-mbv3", "tiny-cpu-relu-mbv3");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP_FIELDS = Set.of(
      "name", "description", "resolutions", "widths", "kernels", "expand_ratios", "depths", "stem",
      "first_block", "stages", "head");

  private SearchSpaceLoader() {}

  /** A built-in space by name, or a YAML file by path. */
  public static SearchSpace load(String nameOrPath) {
    if (BUILT_IN.contains(nameOrPath)) {
      String resource = "/spaces/" + nameOrPath + ".yaml";
      try (InputStream in = SearchSpaceLoader.class.getResourceAsStream(resource)) {
        return parse(YAML.readTree(in), resource);
      } catch (IOException e) {
        throw new SpaceFormatException(resource + ": " + e.getMessage());
      }
    }
    Path path = Path.of(nameOrPath);
    if (!Files.isRegularFile(path)) {
      throw new SpaceFormatException(
          "search space '" + nameOrPath + "' is neither a built-in space " + BUILT_IN + " nor a file");
    }
    try {
      return parse(YAML.readTree(path.toFile()), path.toString());
    } catch (IOException e) {
      throw new SpaceFormatException(path + ": not valid YAML: " + e.getMessage());
    }
  }

  /** {@code space} in the YAML form {@link #load} reads, so it can travel with what was trained on it. */
  public static String toYaml(SearchSpace space) {
    ObjectNode root = YAML.createObjectNode().put("name", space.name());
    space.resolutions().forEach(root.putArray("resolutions")::add);
    space.widths().forEach(root.putArray("widths")::add);
    space.kernels().forEach(root.putArray("kernels")::add);
    space.expandRatios().forEach(root.putArray("expand_ratios")::add);
    space.depths().forEach(root.putArray("depths")::add);
    for (String field : List.of("stem", "first_block")) {
      FixedLayerSpec l = field.equals("stem") ? space.stem() : space.firstBlock();
      root.putObject(field).put("channels", l.channels()).put("stride", l.stride()).put("kernel", l.kernel())
          .put("expand", l.expand()).put("activation", l.activation().name().toLowerCase(Locale.ROOT))
          .put("se", l.squeezeExcite());
    }
    ArrayNode stages = root.putArray("stages");
    for (StageSpec st : space.stages()) {
      stages.addObject().put("channels", st.channels()).put("stride", st.stride())
          .put("activation", st.activation().name().toLowerCase(Locale.ROOT)).put("se", st.squeezeExcite());
    }
    HeadSpec h = space.head();
    root.putObject("head").put("expand_channels", h.expandChannels()).put("feature_channels", h.featureChannels())
        .put("activation", h.activation().name().toLowerCase(Locale.ROOT)).put("dropout", h.dropout());
    try {
      return YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static SearchSpace parse(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new SpaceFormatException(source + ": expected a YAML mapping at the top level");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!TOP_FIELDS.contains(field)) {
        throw new SpaceFormatException(source + ": unknown field '" + field + "'; known: " + TOP_FIELDS);
      }
    }
    Reader r = new Reader(source);
    List<Integer> depths = r.ascendingInts(root, "depths");
    for (int i = 1; i < depths.size(); i++) {
      if (depths.get(i) != depths.get(i - 1) + 1) {
        throw new SpaceFormatException(source + ": field 'depths' must be consecutive, got " + depths);
      }
    }
    List<StageSpec> stages = new ArrayList<>();
    JsonNode stageNodes = r.required(root, "stages");
    if (!stageNodes.isArray() || stageNodes.isEmpty()) {
      throw new SpaceFormatException(source + ": field 'stages' must be a non-empty list");
    }
    for (int i = 0; i < stageNodes.size(); i++) {
      JsonNode stage = stageNodes.get(i);
      String where = "stages[" + i + "]";
      stages.add(new StageSpec(
          r.positiveInt(stage, "channels", where),
          r.positiveInt(stage, "stride", where),
          r.activation(stage, where),
          r.bool(stage, "se", where)));
    }
    JsonNode head = r.required(root, "head");
    return new SearchSpace(
        r.text(root, "name"),
        r.ascendingInts(root, "resolutions"),
        r.ascendingDoubles(root, "widths"),
        r.ascendingInts(root, "kernels"),
        r.ascendingInts(root, "expand_ratios"),
        depths,
        r.fixedLayer(r.required(root, "stem"), "stem"),
        r.fixedLayer(r.required(root, "first_block"), "first_block"),
        stages,
        new HeadSpec(
            r.positiveInt(head, "expand_channels", "head"),
            r.positiveInt(head, "feature_channels", "head"),
            r.activation(head, "head"),
            head.path("dropout").asDouble(0.0)));
  }

  /** Field access with messages naming the source and the field. */
  private record Reader(String source) {
    JsonNode required(JsonNode node, String field) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        throw new SpaceFormatException(source + ": missing field '" + field + "'");
      }
      return value;
    }

    String text(JsonNode node, String field) {
      return required(node, field).asText();
    }

    int positiveInt(JsonNode node, String field, String where) {
      JsonNode value = node.get(field);
      if (value == null || !value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() <= 0) {
        throw new SpaceFormatException(
            source + ": field '" + where + "." + field + "' must be a positive integer, got " + value);
      }
      return value.asInt();
    }

    boolean bool(JsonNode node, String field, String where) {
      JsonNode value = node.get(field);
      if (value == null) {
        return false;
      }
      if (!value.isBoolean()) {
        throw new SpaceFormatException(
            source + ": field '" + where + "." + field + "' must be true or false, got " + value);
      }
      return value.asBoolean();
    }

    Activation.Kind activation(JsonNode node, String where) {
      try {
        return Activation.Kind.parse(required(node, "activation").asText());
      } catch (IllegalArgumentException e) {
        throw new SpaceFormatException(source + ": field '" + where + ".activation': " + e.getMessage());
      }
    }

    FixedLayerSpec fixedLayer(JsonNode node, String where) {
      return new FixedLayerSpec(
          positiveInt(node, "channels", where),
          positiveInt(node, "stride", where),
          positiveInt(node, "kernel", where),
          node.has("expand") ? positiveInt(node, "expand", where) : 1,
          activation(node, where),
          bool(node, "se", where));
    }

    List<Integer> ascendingInts(JsonNode node, String field) {
      JsonNode list = required(node, field);
      if (list.isObject()) {
        // {min, max, step} shorthand, e.g. resolutions 192..256 step 4
        int min = positiveInt(list, "min", field);
        int max = positiveInt(list, "max", field);
        int step = positiveInt(list, "step", field);
        List<Integer> values = new ArrayList<>();
        for (int v = min; v <= max; v += step) {
          values.add(v);
        }
        return values;
      }
      List<Integer> values = new ArrayList<>();
      for (JsonNode value : elements(list, field)) {
        if (!value.isIntegralNumber() || value.asInt() <= 0) {
          throw new SpaceFormatException(
              source + ": field '" + field + "' must hold positive integers, got " + value);
        }
        values.add(value.asInt());
      }
      checkAscending(values, field);
      return values;
    }

    List<Double> ascendingDoubles(JsonNode node, String field) {
      List<Double> values = new ArrayList<>();
      for (JsonNode value : elements(required(node, field), field)) {
        if (!value.isNumber() || value.asDouble() <= 0) {
          throw new SpaceFormatException(
              source + ": field '" + field + "' must hold positive numbers, got " + value);
        }
        values.add(value.asDouble());
      }
      checkAscending(values, field);
      return values;
    }

    private List<JsonNode> elements(JsonNode list, String field) {
      if (!list.isArray() || list.isEmpty()) {
        throw new SpaceFormatException(source + ": field '" + field + "' must be a non-empty list");
      }
      List<JsonNode> out = new ArrayList<>();
      list.forEach(out::add);
      return out;
    }

    private <T extends Comparable<T>> void checkAscending(List<T> values, String field) {
      for (int i = 1; i < values.size(); i++) {
        if (values.get(i).compareTo(values.get(i - 1)) <= 0) {
          throw new SpaceFormatException(
              source + ": field '" + field + "' must be strictly ascending, got " + values);
        }
      }
    }
  }
}
