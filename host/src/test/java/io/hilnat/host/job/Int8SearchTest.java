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
    SearchOptions options = new SearchOptions("src/test/resources/spaces/micro.yaml", "fashion-mnist", null, 3, 0,
        0, 16, true, 1, List.of("error", "latency"), List.of(), List.of(), 4, 0, 2, 20, 3, 2, 2, null, 200, 32, 5, 2, 0,
        false, 1.0, null, 0, 0, 0, 1, null, "int8", null, null);
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
}
