package io.hilnat.agent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.hilnat.agent.v1.BenchmarkProgress;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.agent.v1.DescribeRequest;
import io.hilnat.agent.v1.DeviceAgentGrpc;
import io.hilnat.agent.v1.DeviceDescription;
import io.hilnat.agent.v1.InferRequest;
import io.hilnat.agent.v1.InferResult;
import io.hilnat.agent.v1.ModelRef;
import io.hilnat.agent.v1.Tensor;
import io.hilnat.agent.v1.UploadResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real agent over gRPC on 127.0.0.1, the real TFLite runtime, a real on-disk cache. */
class AgentServiceTest {

  @TempDir static Path cache;
  static AgentServer server;
  static ManagedChannel channel;
  static DeviceAgentGrpc.DeviceAgentBlockingStub agent;
  static byte[] model;
  static String sha;

  @BeforeAll
  static void start() throws Exception {
    server = TestAgents.start(cache, 1 << 20, null, null, null);
    channel = TestAgents.channel(server);
    agent = DeviceAgentGrpc.newBlockingStub(channel);
    model = TestAgents.model();
    sha = TestAgents.sha256(model);
    UploadResult uploaded = TestAgents.upload(DeviceAgentGrpc.newStub(channel), model, sha, model.length).get();
    assertFalse(uploaded.getAlreadyPresent());
    assertEquals(List.of(1, 32, 32, 3), uploaded.getInputs(0).getShapeList());
    assertEquals(List.of(1, 10), uploaded.getOutputs(0).getShapeList());
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    server.close();
  }

  static BenchmarkRequest.Builder request() {
    return BenchmarkRequest.newBuilder().setSha256(sha).setThreads(1).setWarmupRuns(3).setRuns(20);
  }

  @Test
  void describeTellsWhatTheDeviceIs() {
    DeviceDescription d = agent.describe(DescribeRequest.getDefaultInstance());
    assertEquals("test-device", d.getDeviceId());
    assertEquals("linux-x86_64", d.getHardwareProfile());
    assertEquals("tflite", d.getRuntime());
    assertEquals("hilnat.agent.v1", d.getProtocolVersion());
    assertEquals("", d.getEnergyMeter());
    assertTrue(d.getEnergyMeterStatus().startsWith("rapl meter unavailable"), d.getEnergyMeterStatus());
    assertEquals(1 << 20, d.getMaxModelBytes());
    assertEquals("2.20.0", d.getRuntimeVersion());
    assertEquals("linux-x86_64", d.getPlatform());
    assertEquals("", d.getProfileOverride(), "the profile is this machine's");
    assertEquals(List.of("cpu", "xnnpack"), d.getDelegatesList());
    assertEquals("xnnpack", d.getDefaultDelegate());
    assertTrue(d.getModelCheck().startsWith("child process"), d.getModelCheck());
  }

  @Test
  void delegatesAreAppliedAndSayWhatTheyRan() {
    BenchmarkResult cpu = agent.benchmark(request().setDelegate("cpu").build());
    BenchmarkResult xnnpack = agent.benchmark(request().setDelegate("xnnpack").build());
    BenchmarkResult byDefault = agent.benchmark(request().build());
    assertEquals("cpu", cpu.getDelegate());
    assertEquals(0, cpu.getNodesDelegated());
    assertEquals(18, cpu.getNodes(), "the fixture's operators");
    assertEquals("xnnpack", xnnpack.getDelegate());
    assertEquals(18, xnnpack.getNodes());
    assertEquals(18, xnnpack.getNodesDelegated(), "XNNPACK takes every operator of an MBConv network");
    assertEquals("xnnpack", byDefault.getDelegate(), "the profile's default");
    assertEquals("2.20.0", cpu.getRuntimeVersion());
    assertEquals("linux-x86_64", cpu.getPlatform());
  }

  @Test
  void opProfilesDifferBetweenDelegatesAndAddUp() {
    BenchmarkResult cpu = agent.benchmark(request().setDelegate("cpu").setOpProfile(true).build());
    BenchmarkResult xnnpack = agent.benchmark(request().setDelegate("xnnpack").setOpProfile(true).build());
    assertEquals(18, cpu.getOpProfileCount(), "one entry per builtin node");
    assertTrue(cpu.getOpProfileList().stream().allMatch(e -> e.getKind().equals("builtin")));
    assertTrue(cpu.getOpProfileList().stream().anyMatch(e -> e.getOp().equals("DEPTHWISE_CONV_2D")));
    assertTrue(xnnpack.getOpProfileCount() > 0);
    assertTrue(xnnpack.getOpProfileList().stream().allMatch(e -> e.getKind().equals("delegate:xnnpack")),
        xnnpack.getOpProfileList().toString());
    assertTrue(xnnpack.getOpProfileList().stream().noneMatch(e -> e.getOp().equals("DEPTHWISE_CONV_2D")));
    for (BenchmarkResult r : List.of(cpu, xnnpack)) {
      assertEquals(20, r.getOpProfileRuns());
      assertEquals(100, r.getOpProfileList().stream().mapToDouble(e -> e.getPercent()).sum(), 1e-6);
      assertTrue(r.getOpProfileList().stream().allMatch(e -> e.getAvgMs() >= 0 && e.getCallsPerRun() == 1));
    }
    assertEquals(0, agent.benchmark(request().build()).getOpProfileCount(), "only when asked for");
  }

  @Test
  void everyResultCarriesTheMemoryFootprint() {
    var m = agent.benchmark(request().build()).getMemory();
    assertTrue(m.getBeforeInitKb() > 0 && m.getAfterInitKb() > 0, m.toString());
    assertTrue(m.getPeakKb() >= m.getAfterInitKb() && m.getPeakKb() >= m.getBeforeInitKb(), m.toString());
    assertTrue(m.getSource().contains("VmHWM"), m.getSource());
  }

  @Test
  void benchmarkReturnsEveryRunAndOrderedStatistics() {
    assertTrue(agent.hasModel(ModelRef.newBuilder().setSha256(sha).build()).getPresent());
    BenchmarkResult r = agent.benchmark(request().build());
    assertEquals(20, r.getLatenciesMsCount());
    var s = r.getStats();
    assertEquals(20, s.getCount());
    assertTrue(s.getMinMs() > 0 && s.getMinMs() <= s.getP50Ms() && s.getP50Ms() <= s.getP90Ms()
        && s.getP90Ms() <= s.getP99Ms() && s.getP99Ms() <= s.getMaxMs(), s.toString());
    assertTrue(r.getInitMs() > 0 && r.getFirstInferenceMs() > 0);
    assertTrue(r.getWarmupRuns() >= 3);
    assertFalse(r.hasEnergy(), "no meter here: energy must be absent, not zero");
    assertEquals("test-device", r.getDeviceId());
    assertTrue(r.getClock().contains("nanoTime"));
  }

  @Test
  void minimumSecondsExtendTheRun() {
    BenchmarkResult r = agent.benchmark(request().setRuns(1).setMinSeconds(0.3).build());
    double total = r.getLatenciesMsList().stream().mapToDouble(Double::doubleValue).sum();
    assertTrue(r.getStats().getCount() > 1, "ran until 0.3 s had passed");
    assertTrue(total > 0);
  }

  @Test
  void streamingBenchmarkReportsPhasesThenTheResult() {
    Iterator<BenchmarkProgress> it = agent.benchmarkStream(request().build());
    List<String> phases = new ArrayList<>();
    BenchmarkResult result = null;
    while (it.hasNext()) {
      BenchmarkProgress p = it.next();
      phases.add(p.getPhase());
      if (p.hasResult()) {
        result = p.getResult();
      }
    }
    assertEquals("queued", phases.get(0));
    assertTrue(phases.contains("init") && phases.contains("warmup"));
    assertEquals("done", phases.get(phases.size() - 1));
    assertNotNull(result);
    assertEquals(20, result.getStats().getCount());
  }

  @Test
  void reuploadOfAKnownHashIsSkipped() throws Exception {
    UploadResult again = TestAgents.upload(DeviceAgentGrpc.newStub(channel), model, sha, model.length).get();
    assertTrue(again.getAlreadyPresent());
    assertEquals(model.length, again.getSizeBytes());
  }

  @Test
  void inferIsDeterministicAndChecksTheInputSize() {
    float[] input = new float[32 * 32 * 3];
    for (int i = 0; i < input.length; i++) {
      input[i] = (i % 17) / 17f;
    }
    Tensor.Builder t = Tensor.newBuilder();
    for (float v : input) {
      t.addValues(v);
    }
    InferRequest req = InferRequest.newBuilder().setSha256(sha).addInputs(t).addInputs(t).build();
    InferResult out = agent.infer(req);
    assertEquals(2, out.getOutputsCount());
    assertEquals(10, out.getOutputs(0).getValuesCount());
    assertEquals(out.getOutputs(0).getValuesList(), out.getOutputs(1).getValuesList());

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> agent.infer(
        InferRequest.newBuilder().setSha256(sha).addInputs(Tensor.newBuilder().addValues(1f)).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("3072"), e.getStatus().getDescription());
  }

  @Test
  void badRequestsGetStatusCodesPeopleCanActOn() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> agent.benchmark(request().setSha256("ab".repeat(32)).build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("upload it first"));

    e = assertThrows(StatusRuntimeException.class, () -> agent.benchmark(request().setRuns(0).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("runs must be at least 1"));

    e = assertThrows(StatusRuntimeException.class, () -> agent.benchmark(request().setDelegate("gpu").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("available: [cpu, xnnpack]"), e.getStatus().getDescription());
    e = assertThrows(StatusRuntimeException.class, () -> agent.benchmark(request().setDelegate("tpu").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());

    e = assertThrows(StatusRuntimeException.class, () -> agent.benchmark(request().setSha256("nope").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
  }

  @Test
  void modelsOverTheLimitAreRefused() throws Exception {
    byte[] big = new byte[(1 << 20) + 1];
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> TestAgents.upload(DeviceAgentGrpc.newStub(channel), big, TestAgents.sha256(big), big.length).get());
    Status status = Status.fromThrowable(e.getCause());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
    assertTrue(status.getDescription().contains("--max-model-mb"), status.getDescription());
  }

  @Test
  void concurrentBenchmarksBothCompleteOneAfterTheOther() throws Exception {
    DeviceAgentGrpc.DeviceAgentStub async = DeviceAgentGrpc.newStub(channel);
    List<CompletableFuture<BenchmarkResult>> results = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      CompletableFuture<BenchmarkResult> f = new CompletableFuture<>();
      async.benchmark(request().setMinSeconds(0.3).build(), new StreamObserver<>() {
        public void onNext(BenchmarkResult r) {
          f.complete(r);
        }

        public void onError(Throwable t) {
          f.completeExceptionally(t);
        }

        public void onCompleted() {}
      });
      results.add(f);
    }
    BenchmarkResult a = results.get(0).get(60, TimeUnit.SECONDS);
    BenchmarkResult b = results.get(1).get(60, TimeUnit.SECONDS);
    // one of them waited for the other's measurement (which lasts at least 0.3 s)
    assertTrue(Math.max(a.getQueuedMs(), b.getQueuedMs()) >= 250, a.getQueuedMs() + " / " + b.getQueuedMs());
  }

  @Test
  void healthReflectionAndMetricsAreServed() throws Exception {
    HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
        .check(HealthCheckRequest.newBuilder().setService("hilnat.agent.v1.DeviceAgent").build());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());

    CompletableFuture<ServerReflectionResponse> reply = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> reflection = ServerReflectionGrpc.newStub(channel)
        .serverReflectionInfo(new StreamObserver<>() {
          public void onNext(ServerReflectionResponse r) {
            reply.complete(r);
          }

          public void onError(Throwable t) {
            reply.completeExceptionally(t);
          }

          public void onCompleted() {}
        });
    reflection.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> services = reply.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
        .map(s -> s.getName()).toList();
    reflection.onCompleted();
    assertTrue(services.contains("hilnat.agent.v1.DeviceAgent"), services.toString());

    agent.benchmark(request().build());
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("hilnat_agent_benchmarks_total"), metrics);
    assertTrue(metrics.contains("hilnat_agent_queue_length"));
  }
}
