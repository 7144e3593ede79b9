package io.hilnat.host.bench;

import io.hilnat.host.engine.ChannelsLast;
import io.hilnat.host.engine.ComputeDevice;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.Datasets;
import com.fasterxml.jackson.databind.JsonNode;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.transfer.OfaImport;
import java.util.LinkedHashMap;
import java.util.Map;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.training.SupernetTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Supernet training speed and memory on this machine: images/s of training steps on the smallest subnet,
 * the largest, and one sandwich step (largest, smallest, two random: images × subnets per second), then
 * {@code memorySteps} sandwich steps (of {@code memoryBatch} images) with the process's resident memory and live DJL
 * arrays sampled, so a
 * leak shows as growth between the first and last tenth.
 */
public final class SupernetBench {

  private SupernetBench() {}

  public static ObjectNode run(String spaceName, int batch, int timedSteps, int memorySteps, int memoryBatch,
      Path ofaSource, PrintStream progress) throws IOException, InterruptedException {
    SearchSpace space = SearchSpaceLoader.load(spaceName);
    // the same four subnets at every sandwich step, so that OFA can be timed on exactly them
    List<Architecture> sandwich = SupernetTrainer.sandwich(space, 2, new Random(7));
    Map<String, Architecture> named = new LinkedHashMap<>();
    named.put("largest", sandwich.get(0));
    named.put("smallest", sandwich.get(1));
    named.put("random1", sandwich.get(2));
    named.put("random2", sandwich.get(3));
    JsonNode reference = null;
    if (ofaSource != null) {
      OfaImport.space(space, space.maxWidth()); // OFA's network, or a clear refusal
      progress.printf("Once-for-All's code on the same subnets (%s)...%n", ofaSource);
      reference = OfaSpeedReference.run(ofaSource, named, batch, timedSteps,
          Runtime.getRuntime().availableProcessors(), Path.of(System.getProperty("java.io.tmpdir")));
    }
    Datasets.Splits splits = Datasets.load("fashion-mnist");
    Batches train = new Batches(splits.train(), splits.train());
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode report = mapper.createObjectNode().put("benchmark", "supernet-training").put("space", space.name())
        .put("batch", batch).put("engine", "DJL " + ai.djl.engine.Engine.getDjlVersion() + ", PyTorch "
            + ai.djl.engine.Engine.getInstance().getVersion() + " (" + ComputeDevice.current() + ")")
        .put("precision", "fp32").put("threads", Runtime.getRuntime().availableProcessors());
    Machine.describe(report.putObject("machine"));
    try (NDManager manager = ComputeDevice.newManager();
        Supernet net = new Supernet(space, 1, 10, manager, 1)) {
      report.put("activations", ChannelsLast.name(manager.getDevice()));
      SupernetTrainer trainer = new SupernetTrainer(net, train, new SupernetTrainer.Config(batch, 0.05, 0.9, 3e-5, 2,
          0.1, 5, 1), manager);
      Random random = new Random(1);
      ArrayNode timings = report.putArray("throughput");
      for (String kind : List.of("smallest", "largest", "sandwich")) {
        java.util.function.Function<Random, List<Architecture>> subnets = kind.equals("smallest")
            ? r -> List.of(space.smallest()) : kind.equals("largest") ? r -> List.of(space.largest()) : r -> sandwich;
        trainer.train(0, 3, timedSteps, random, subnets, (s, r) -> { }, () -> true); // warm-up
        long[] images = {0};
        long start = System.nanoTime();
        trainer.train(3, timedSteps, timedSteps + 3, random, subnets, (s, r) -> images[0] += r.images(), () -> true);
        double seconds = (System.nanoTime() - start) / 1e9;
        timings.addObject().put("subnets", kind).put("steps", timedSteps)
            .put("images_per_s", images[0] / seconds).put("unit", "images x subnets / s")
            .put("step_s", seconds / timedSteps);
        progress.printf("%s: %.1f img/s%n", kind, images[0] / seconds);
      }
      ArrayNode subnets = report.putArray("sandwich_subnets");
      named.forEach((name, arch) -> subnets.addObject().put("name", name).put("arch", ArchitectureFormat.key(space,
          arch)));
      if (reference != null) {
        report.set("reference", reference);
        report.set("ratios", ratios(timings, reference, batch));
        report.put("note", "hilnat runs DJL's PyTorch " + ai.djl.engine.Engine.getInstance().getVersion()
            + ", the reference Debian's PyTorch in eager mode (" + reference.get("engine").asText() + "): two "
            + "PyTorch versions, two kernel libraries; the ratios are of this machine in this run only. hilnat's "
            + "steps include decoding and resizing their Fashion-MNIST batch; OFA's reuse one random batch.");
      }
      SupernetTrainer watched = new SupernetTrainer(net, train, new SupernetTrainer.Config(memoryBatch, 0.05, 0.9, 3e-5,
          2, 0.1, 5, 2), manager);
      long[] rss = new long[2];
      int[] arrays = new int[2];
      long[] peak = {0};
      watched.train(0, memorySteps, memorySteps, random, watched::sandwich, (s, r) -> {
        long now = residentKiB();
        peak[0] = Math.max(peak[0], now);
        if (s == memorySteps / 10) {
          rss[0] = now;
          arrays[0] = manager.getManagedArrays().size();
        } else if (s == memorySteps - 1) {
          rss[1] = now;
          arrays[1] = manager.getManagedArrays().size();
        }
        if (s % 100 == 0) {
          progress.printf("memory step %d: %d MiB resident%n", s, now / 1024);
        }
      }, () -> true);
      report.putObject("memory").put("steps", memorySteps).put("batch", memoryBatch).put("resident_mib_at_10_percent",
          rss[0] / 1024.0)
          .put("resident_mib_at_end", rss[1] / 1024.0).put("peak_resident_mib", peak[0] / 1024.0)
          .put("live_arrays_at_10_percent", arrays[0]).put("live_arrays_at_end", arrays[1])
          .put("jvm_heap_max_mib", Runtime.getRuntime().maxMemory() / 1048576.0);
    }
    return report;
  }

  /**
   * hilnat ÷ OFA for the smallest and largest steps, and hilnat's sandwich step against the four separate steps
   * OFA would take on the same subnets (their step times summed).
   */
  private static ObjectNode ratios(ArrayNode timings, JsonNode reference, int batch) {
    Map<String, Double> ofaStep = new LinkedHashMap<>();
    reference.get("subnets").forEach(s -> ofaStep.put(s.get("name").asText(), s.get("step_s").asDouble()));
    Map<String, Double> hilnatStep = new LinkedHashMap<>();
    timings.forEach(t -> hilnatStep.put(t.get("subnets").asText(), t.get("step_s").asDouble()));
    double ofaFour = ofaStep.values().stream().mapToDouble(Double::doubleValue).sum();
    ObjectNode ratios = new ObjectMapper().createObjectNode();
    ratios.put("smallest", ofaStep.get("smallest") / hilnatStep.get("smallest"));
    ratios.put("largest", ofaStep.get("largest") / hilnatStep.get("largest"));
    ratios.put("sandwich_vs_ofa_four_steps", ofaFour / hilnatStep.get("sandwich"));
    ratios.put("ofa_four_steps_s", ofaFour).put("hilnat_sandwich_step_s", hilnatStep.get("sandwich"));
    ratios.put("meaning", "above 1: hilnat is faster (step time of OFA / step time of hilnat, batch " + batch + ")");
    return ratios;
  }

  /** VmRSS of this process (Linux), KiB: native memory included, which the JVM heap figures miss. */
  private static long residentKiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
