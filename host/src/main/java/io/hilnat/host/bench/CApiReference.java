package io.hilnat.host.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hilnat.host.agentclient.LocalAgent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * A latency reference that shares none of the agent's code: TFLite's C API invoked in a bare C loop
 * ({@code bench/tflite_loop.c}, compiled here with {@code cc}) in a process of its own, on the very library the
 * agent loads, with the builtin kernels or the XNNPACK delegate.
 */
final class CApiReference {

  static final String DESCRIPTION = "TFLite C API invoked in a bare C loop in its own process (bench/tflite_loop.c, "
      + "CLOCK_MONOTONIC), on the agent's libjnitensorflowlite.so";

  private final Path program;
  private final Path library;

  private CApiReference(Path program, Path library) {
    this.program = program;
    this.library = library;
  }

  /** Compiles the loop and unpacks this machine's TFLite library from the agent's lib/ into {@code workDir}. */
  static CApiReference prepare(Path workDir) throws IOException, InterruptedException {
    Path source = workDir.resolve("tflite_loop.c");
    try (InputStream in = CApiReference.class.getResourceAsStream("/bench/tflite_loop.c")) {
      Files.copy(in, source);
    }
    Path program = workDir.resolve("tflite_loop");
    run(List.of("cc", "-O2", "-o", program.toString(), source.toString(), "-ldl"),
        "the reference loop needs a C compiler: install one (sudo apt install gcc)");
    String platform = "linux-" + (System.getProperty("os.arch").equals("aarch64") ? "arm64" : "x86_64");
    Path lib = LocalAgent.agentTarget().resolve("lib");
    Path jar;
    try (Stream<Path> jars = Files.list(lib)) {
      jar = jars.filter(p -> p.getFileName().toString().matches("tensorflow-lite-.*-" + platform + "\\.jar"))
          .findFirst().orElseThrow(() -> new IOException("no TFLite natives for " + platform + " in " + lib
              + ": build the agent first (mvn -DskipTests package)"));
    }
    Path library = workDir.resolve("libjnitensorflowlite.so");
    try (ZipFile zip = new ZipFile(jar.toFile());
        InputStream in = zip.getInputStream(zip.getEntry("org/bytedeco/tensorflowlite/" + platform
            + "/libjnitensorflowlite.so"))) {
      Files.copy(in, library);
    }
    return new CApiReference(program, library);
  }

  /** {@code {"p50_ms":..,"mean_ms":..,"runs":..,"init_ms":..,"delegate":..}} for the model. */
  JsonNode measure(Path model, int threads, int warmup, int runs, double minSeconds, String delegate)
      throws IOException, InterruptedException {
    String out = run(List.of(program.toString(), library.toString(), model.toString(), String.valueOf(threads),
        String.valueOf(warmup), String.valueOf(runs), String.valueOf(minSeconds), delegate),
        "the C API reference failed for " + model);
    List<String> lines = out.lines().filter(l -> l.startsWith("{")).toList();
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }

  private static String run(List<String> command, String failure) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(failure + ": " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IOException(failure + ": " + out);
    }
    return out;
  }
}
