package io.hilnat.host.space;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Text forms of an architecture: the readable JSON form, the compact gene string, and the command-line
 * shorthands {@code smallest}, {@code largest}, {@code random:SEED}.
 */
public final class ArchitectureFormat {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ArchitectureFormat() {}

  /** {@code {"resolution":28,"width":1.0,"stages":[[{"k":3,"e":4},...],...]}}. */
  public static String toJson(Architecture arch) {
    ObjectNode root = JSON.createObjectNode();
    root.put("resolution", arch.resolution());
    root.put("width", arch.width());
    ArrayNode stages = root.putArray("stages");
    for (List<Layer> layers : arch.stages()) {
      ArrayNode stage = stages.addArray();
      for (Layer layer : layers) {
        stage.addObject().put("k", layer.kernel()).put("e", layer.expand());
      }
    }
    return root.toString();
  }

  /** The canonical gene string, e.g. {@code 1,0,3,5,0,0,...}: a stable key for stores and caches. */
  public static String key(SearchSpace space, Architecture arch) {
    return Arrays.stream(space.encode(arch)).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  /** Parses any of the forms above; the result is validated against {@code space}. */
  public static Architecture parse(SearchSpace space, String text) {
    String s = text.strip();
    Architecture arch;
    if (s.equals("smallest")) {
      arch = space.smallest();
    } else if (s.equals("largest")) {
      arch = space.largest();
    } else if (s.startsWith("random:")) {
      arch = space.sample(new Random(Long.parseLong(s.substring("random:".length()))));
    } else if (s.startsWith("{")) {
      arch = fromJson(s);
    } else {
      try {
        int[] genes = Arrays.stream(s.split("[,\\s]+")).mapToInt(Integer::parseInt).toArray();
        return space.decode(genes);
      } catch (NumberFormatException e) {
        throw new SpaceFormatException(
            "cannot read architecture '" + text + "': expected smallest, largest, random:SEED, JSON "
                + "{\"resolution\":..,\"width\":..,\"stages\":[[{\"k\":3,\"e\":4}],..]} or "
                + space.encodingLength() + " comma-separated genes");
      }
    }
    space.validate(arch);
    return arch;
  }

  private static Architecture fromJson(String s) {
    try {
      JsonNode root = JSON.readTree(s);
      List<List<Layer>> stages = new ArrayList<>();
      for (JsonNode stage : root.required("stages")) {
        List<Layer> layers = new ArrayList<>();
        for (JsonNode layer : stage) {
          layers.add(new Layer(layer.required("k").asInt(), layer.required("e").asInt()));
        }
        stages.add(layers);
      }
      return new Architecture(root.required("resolution").asInt(), root.required("width").asDouble(), stages);
    } catch (Exception e) {
      throw new SpaceFormatException("cannot read architecture JSON: " + e.getMessage());
    }
  }
}
