package io.hilnat.host.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hilnat.host.export.DeployableModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.support.metadata.MetadataExtractor;

/** A search with --precision int8 measures, exports and tests what an int8 deployment ships. */
class Int8SearchTest {

  @TempDir Path dir;

  @Test
  void anInt8SearchExportsInt8ModelsAndReportsBothAccuracies() throws Exception {
    Path run = dir.resolve("run");
    SearchOptions options = SearchOptions.builder().space("src/test/resources/spaces/micro.yaml").warmupSteps(3)
        .batch(16)
        .initialSamples(4).iterations(0).candidates(2).population(20).generations(3).adaptSteps(2)
        .validationImages(200).calibrationImages(32).benchmarkRuns(5).exportTop(2).precision("int8").build();
    StringWriter log = new StringWriter();
    new SearchJob(run, new PrintWriter(log, true)).execute(options);
    assertTrue(log.toString().contains(", int8 "), log.toString());

    JsonNode pareto = new ObjectMapper().readTree(run.resolve("pareto.json").toFile());
    boolean anyExported = false;
    for (JsonNode subnet : pareto) {
      if (subnet.get("model").asText().isEmpty()) {
        continue;
      }
      anyExported = true;
      double fp32 = subnet.get("test_top1_percent").asDouble();
      double int8 = subnet.get("test_top1_int8_percent").asDouble();
      assertTrue(int8 > 0 && Math.abs(fp32 - int8) < 10, "both accuracies reported: " + subnet);
      Path model = run.resolve(subnet.get("model").asText());
      MetadataExtractor metadata = new MetadataExtractor(ByteBuffer.wrap(Files.readAllBytes(model)));
      assertEquals(3, metadata.getInputTensorType(0), "uint8 input (TFLite's type 3)");
      JsonNode sidecar = new ObjectMapper().readTree(DeployableModel.sidecar(model).toFile());
      assertEquals("int8", sidecar.get("precision").asText());
      assertTrue(sidecar.at("/measured/test_error_int8").isNumber(), sidecar.toString());
    }
    assertTrue(anyExported);
    assertTrue(Files.readString(run.resolve("pareto.csv")).lines().findFirst().orElseThrow()
        .contains("test_top1_int8_percent"));
  }

  /**
   * "Your own images": a colour image folder goes search, int8 export, then Arm NN alone with the class names read
   * from the model's metadata, and Arm NN's top-1 is the one the search reported.
   */
  @Test
  void anImageFolderGoesFromSearchToArmNnWithItsLabelsInside() throws Exception {
    Path images = dir.resolve("colour");
    Process make = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "../scripts/MakeColourFolder.java", images.toString(), "28", "600").inheritIO().start();
    assertEquals(0, make.waitFor());
    Path run = dir.resolve("folder-run");
    // trained well enough that its predictions are not ties a rounding flips: 300 steps of 32 images
    SearchOptions options = SearchOptions.builder().space("src/test/resources/spaces/micro.yaml")
        .data("folder:" + images + "?size=28&channels=3").warmupSteps(300)
        .batch(32).initialSamples(4).iterations(0).candidates(2).population(20).generations(3).adaptSteps(2)
        .validationImages(200).calibrationImages(32).benchmarkRuns(5).exportTop(2).precision("int8").build();
    new SearchJob(run, new PrintWriter(new StringWriter(), true)).execute(options);
    List<String> classes = Files.list(images.resolve("test")).map(p -> p.getFileName().toString()).sorted().toList();
    int checked = 0;
    for (JsonNode subnet : new ObjectMapper().readTree(run.resolve("pareto.json").toFile())) {
      if (subnet.get("model").asText().isEmpty()) {
        continue;
      }
      Process armnn = new ProcessBuilder("/usr/bin/python3", "../scripts/armnn-accuracy.py",
          run.resolve(subnet.get("model").asText()).toString(), "--folder", images.resolve("test").toString())
          .redirectErrorStream(true).start();
      String out = new String(armnn.getInputStream().readAllBytes()).strip();
      assertEquals(0, armnn.waitFor(), out);
      JsonNode armnnResult = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
      List<String> labels = new ArrayList<>();
      armnnResult.get("labels").forEach(l -> labels.add(l.asText()));
      assertEquals(classes, labels, "the model's metadata names the folder's classes");
      assertEquals("uint8", armnnResult.get("input_dtype").asText());
      assertEquals(1000, armnnResult.get("images").asInt());
      double reported = subnet.get("test_top1_int8_percent").asDouble();
      System.out.printf("image folder, int8 %s: search reported %.2f %%, Arm NN %.2f %%%n", subnet.get("arch_key")
          .asText(),
          reported, 100 * armnnResult.get("top1").asDouble());
      assertEquals(reported, 100 * armnnResult.get("top1").asDouble(), 1.0,
          "Arm NN gives the int8 top-1 the search reported (1000 images: 1 point is 10 of them)");
      checked++;
    }
    assertTrue(checked > 0);
  }
}
