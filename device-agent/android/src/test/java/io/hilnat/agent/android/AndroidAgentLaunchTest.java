package io.hilnat.agent.android;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.hilnat.agent.core.Hex;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.agent.v1.DescribeRequest;
import io.hilnat.agent.v1.DeviceAgentGrpc;
import io.hilnat.agent.v1.DeviceDescription;
import io.hilnat.agent.v1.InferRequest;
import io.hilnat.agent.v1.ModelChunk;
import io.hilnat.agent.v1.ModelHeader;
import io.hilnat.agent.v1.Tensor;
import io.hilnat.agent.v1.UploadResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Android agent started as {@code app_process} starts it, in a plain JVM: its entry point, the bundle's
 * version check, natives loaded from a folder (this machine's linux-x86_64 ones; no native jar on the class path)
 * and exactly the classes that went into classes.dex. What stays unproven here is ART and bionic.
 */
class AndroidAgentLaunchTest {

  static final Path TARGET = Path.of("target");
  static final Path BUNDLE_JAR = TARGET.resolve("bundle/hilnat-agent-android.jar");

  @TempDir Path work;

  @Test
  void startsFromItsBundleAnswersAndStopsWhenStdinCloses() throws Exception {
    Process agent = start(AndroidAgentMain.version(BUNDLE_JAR), natives(), "profile=android-arm64",
        "allow-profile-mismatch=true", "device-id=launch-test");
    BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
    String pidLine = line(out);
    assertTrue(pidLine.matches("hilnat-agent pid \\d+"), pidLine);
    assertEquals(agent.pid(), Long.parseLong(pidLine.substring("hilnat-agent pid ".length())));
    String ready = line(out);
    assertTrue(ready.startsWith("hilnat-agent listening on 127.0.0.1:"), ready);
    int port = Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1));
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      var blocking = DeviceAgentGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
      DeviceDescription d = blocking.describe(DescribeRequest.getDefaultInstance());
      assertEquals("launch-test", d.getDeviceId());
      assertEquals("android-arm64", d.getHardwareProfile());
      assertEquals("2.20.0", d.getRuntimeVersion());
      assertTrue(d.getProfileOverride().contains("android-arm64"), d.getProfileOverride());

      byte[] model = Files.readAllBytes(Path.of(getClass().getResource("/models/mbconv-32px.tflite").toURI()));
      String sha = sha256(model);
      assertEquals(List.of(1, 32, 32, 3), upload(channel, model, sha).get(60, TimeUnit.SECONDS).getInputs(0)
          .getShapeList());
      BenchmarkResult r = blocking.benchmark(BenchmarkRequest.newBuilder().setSha256(sha).setRuns(5).build());
      assertEquals(5, r.getLatenciesMsCount());
      assertEquals("xnnpack", r.getDelegate());
      List<Float> input = new ArrayList<>();
      for (int i = 0; i < 32 * 32 * 3; i++) {
        input.add((float) Math.sin(i));
      }
      Tensor x = Tensor.newBuilder().addAllShape(List.of(1, 32, 32, 3)).addAllValues(input).build();
      assertEquals(10, blocking.infer(InferRequest.newBuilder().setSha256(sha).addInputs(x).build()).getOutputs(0)
          .getValuesCount());

      // the upload check runs in a child started the same way, in its model-check mode
      byte[] truncated = java.util.Arrays.copyOf(model, model.length / 3);
      Throwable rejected = upload(channel, truncated, sha256(truncated)).handle((ok, e) -> e).get(60, TimeUnit.SECONDS);
      assertEquals(Status.Code.INVALID_ARGUMENT, Status.fromThrowable(rejected).getCode());
      assertTrue(Status.fromThrowable(rejected).getDescription().contains("model rejected"), rejected.toString());
    } finally {
      channel.shutdownNow();
    }
    agent.getOutputStream().close();
    assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent outlived its closed stdin");
    assertEquals(0, agent.exitValue());
  }

  @Test
  void aStaleBundleIsRefused() throws Exception {
    Process agent = start("0.0.9+000000000000", natives());
    assertTrue(agent.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, agent.exitValue());
    String err = new String(agent.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(err.contains("expects agent 0.0.9+000000000000") && err.contains("push the bundle again"), err);
  }

  @Test
  void missingNativesAreNamed() throws Exception {
    Process agent = start(AndroidAgentMain.version(BUNDLE_JAR), work.resolve("empty"));
    assertTrue(agent.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, agent.exitValue());
    String err = new String(agent.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(err.contains("libjnijavacpp.so is missing"), err);
  }

  /** The agent with the classes D8 was given, CLASSPATH naming the bundle's jar as app_process has it. */
  private Process start(String version, Path lib, String... extra) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", dexInputs(), AndroidAgentMain.class.getName(), version, "port=0", "lib=" + lib,
        "cache=" + work.resolve("models"), "sysfs-root=" + work.resolve("no-sysfs")));
    command.addAll(List.of(extra));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("CLASSPATH", BUNDLE_JAR.toAbsolutePath().toString());
    return builder.start();
  }

  /** What the build handed D8, as the bundle step wrote it down: the same jars, so the same classes. */
  static String dexInputs() throws IOException {
    return Files.readString(TARGET.resolve("dex-work/dex-inputs.classpath")).strip();
  }

  /** This machine's TFLite natives in one folder, as the launcher pushes the phone's. */
  private Path natives() throws IOException {
    Path lib = Files.createDirectories(work.resolve("lib"));
    try (Stream<Path> found = Files.walk(TARGET.resolve("jvm-natives"))) {
      for (Path so : (Iterable<Path>) found.filter(p -> p.toString().endsWith(".so"))::iterator) {
        Files.copy(so, lib.resolve(so.getFileName().toString()));
      }
    }
    return lib;
  }

  private static String line(BufferedReader out) throws Exception {
    CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return null;
      }
    });
    String line = next.get(90, TimeUnit.SECONDS);
    assertTrue(line != null, "the agent ended before printing its ready lines");
    return line;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return Hex.of(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static CompletableFuture<UploadResult> upload(ManagedChannel channel, byte[] bytes, String sha) {
    CompletableFuture<UploadResult> done = new CompletableFuture<>();
    StreamObserver<ModelChunk> stream = DeviceAgentGrpc.newStub(channel).uploadModel(new StreamObserver<>() {
      public void onNext(UploadResult r) {
        done.complete(r);
      }

      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      public void onCompleted() {}
    });
    stream.onNext(ModelChunk.newBuilder().setHeader(ModelHeader.newBuilder().setSha256(sha).setSizeBytes(bytes.length))
        .build());
    stream.onNext(ModelChunk.newBuilder().setData(ByteString.copyFrom(bytes)).build());
    stream.onCompleted();
    return done;
  }
}
