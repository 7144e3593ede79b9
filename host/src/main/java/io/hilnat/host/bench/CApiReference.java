package io.hilnat.host.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hilnat.host.agentclient.LocalAgent;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A latency reference that shares none of the agent's code: TFLite's C API invoked in a bare loop
 * ({@code io.hilnat.agent.bench.CApiInvokeLoop}) in a JVM of its own, with the agent's TFLite natives.
 */
final class CApiReference {

  static final String DESCRIPTION = "TFLite C API (XNNPACK applied by default) invoked in a bare loop in its own "
      + "process (CApiInvokeLoop)";

  private CApiReference() {}

  /** {@code {"p50_ms":..,"mean_ms":..,"runs":..,"init_ms":..,"runtime":..}} for the model. */
  static JsonNode measure(Path model, int threads, int warmup, int runs, double minSeconds)
      throws IOException, InterruptedException {
    Path agentTarget = LocalAgent.agentTarget();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        agentTarget.resolve("hilnat-device-agent.jar") + File.pathSeparator + agentTarget.resolve("lib") + "/*",
        "io.hilnat.agent.bench.CApiInvokeLoop", model.toString(), String.valueOf(threads), String.valueOf(warmup),
        String.valueOf(runs), String.valueOf(minSeconds)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IOException("the C API reference failed for " + model + ": " + out);
    }
    List<String> lines = out.lines().toList();
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }
}
