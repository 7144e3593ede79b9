package io.hilnat.host.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.Layer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Once-for-All's own supernet timed on the same subnets, batch and steps as hilnat's benchmark, in the same run:
 * {@code scripts/ofa-speed.py} under Debian's {@code /usr/bin/python3} with PyTorch, on OFA's model code.
 */
final class OfaSpeedReference {

  private OfaSpeedReference() {}

  /** Images/s of each named subnet's step (OFA's {@code set_active_subnet}), and the engine that made them. */
  static JsonNode run(Path ofaSource, Map<String, Architecture> subnets, int batch, int steps, int threads,
      Path work) throws IOException, InterruptedException {
    if (!Files.isDirectory(ofaSource.resolve("ofa"))) {
      throw new IllegalArgumentException(ofaSource + " holds no `ofa` package: point --ofa-source at a checkout of "
          + "mit-han-lab/once-for-all (the folder with ofa/ in it)");
    }
    Path script = home().resolve("scripts/ofa-speed.py");
    ObjectMapper json = new ObjectMapper();
    ArrayNode list = json.createArrayNode();
    subnets.forEach((name, arch) -> list.add(encode(json, name, arch)));
    Path spec = Files.createTempFile(work, "ofa-subnets", ".json");
    json.writeValue(spec.toFile(), list);
    Process python = new ProcessBuilder("/usr/bin/python3", script.toString(), ofaSource.toString(),
        Integer.toString(batch), Integer.toString(steps), Integer.toString(threads), spec.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!python.waitFor(2, TimeUnit.HOURS) || python.exitValue() != 0) {
      throw new IllegalStateException("OFA's reference run failed (exit " + python.exitValue() + "): it needs "
          + "/usr/bin/python3 with PyTorch (Debian: apt install python3-torch); its output: " + out);
    }
    Files.deleteIfExists(spec);
    return json.readTree(out);
  }

  /** A subnet as OFA's set_active_subnet takes it: a kernel and expand ratio per block, a depth per stage. */
  private static JsonNode encode(ObjectMapper json, String name, Architecture arch) {
    List<Integer> ks = new ArrayList<>();
    List<Integer> e = new ArrayList<>();
    List<Integer> d = new ArrayList<>();
    for (List<Layer> stage : arch.stages()) {
      d.add(stage.size());
      for (int j = 0; j < 4; j++) {
        Layer layer = stage.get(Math.min(j, stage.size() - 1)); // blocks past the depth are skipped by OFA
        ks.add(layer.kernel());
        e.add(layer.expand());
      }
    }
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("name", name);
    node.put("width", arch.width());
    node.put("ks", ks);
    node.put("e", e);
    node.put("d", d);
    node.put("resolution", arch.resolution());
    return json.valueToTree(node);
  }

  /** The project's folder: {@code hilnat.home} from the launcher, else the working directory or its parent. */
  private static Path home() {
    String home = System.getProperty("hilnat.home");
    Path here = Path.of("").toAbsolutePath();
    return home != null ? Path.of(home) : Files.isDirectory(here.resolve("scripts")) ? here : here.getParent();
  }
}
