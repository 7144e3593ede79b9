package io.hilnat.agent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.hilnat.agent.v1.DescribeRequest;
import io.hilnat.agent.v1.DeviceAgentGrpc;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityTest {

  @TempDir Path cache;

  static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata m = new Metadata();
        m.put(TokenAuthInterceptor.AUTHORIZATION, "Bearer " + token);
        applier.apply(m);
      }
    };
  }

  @Test
  void tokenIsRequiredAndCheckedButHealthStaysOpen() throws Exception {
    try (AgentServer server = TestAgents.start(cache, 1 << 20, "s3cret", null, null)) {
      ManagedChannel channel = TestAgents.channel(server);
      var stub = DeviceAgentGrpc.newBlockingStub(channel);
      StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
          () -> stub.describe(DescribeRequest.getDefaultInstance()));
      assertEquals(Status.Code.UNAUTHENTICATED, missing.getStatus().getCode());
      assertTrue(missing.getStatus().getDescription().contains("missing token"));
      StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
          () -> stub.withCallCredentials(bearer("guess")).describe(DescribeRequest.getDefaultInstance()));
      assertEquals("wrong token", wrong.getStatus().getDescription());
      assertEquals("test-device",
          stub.withCallCredentials(bearer("s3cret")).describe(DescribeRequest.getDefaultInstance()).getDeviceId());
      assertEquals("SERVING", HealthGrpc.newBlockingStub(channel)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus().name());
      channel.shutdownNow();
    }
  }

  @Test
  void tlsServesClientsThatTrustTheCertificate() throws Exception {
    Path cert = Path.of(getClass().getResource("/tls/cert.pem").toURI());
    Path key = Path.of(getClass().getResource("/tls/key.pem").toURI());
    try (AgentServer server = TestAgents.start(cache, 1 << 20, null, cert, key)) {
      ManagedChannel tls = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
          TlsChannelCredentials.newBuilder().trustManager(cert.toFile()).build()).build();
      assertEquals("test-device", DeviceAgentGrpc.newBlockingStub(tls)
          .describe(DescribeRequest.getDefaultInstance()).getDeviceId());
      tls.shutdownNow();
      ManagedChannel plain = TestAgents.channel(server);
      assertThrows(StatusRuntimeException.class,
          () -> DeviceAgentGrpc.newBlockingStub(plain).describe(DescribeRequest.getDefaultInstance()));
      plain.shutdownNow();
    }
  }

  @Test
  void aListenerBeyondLoopbackSaysWhatItExposes() throws Exception {
    var profile = io.hilnat.agent.profile.ProfileLoader.builtIn("linux-x86_64");
    java.util.function.BiFunction<String, String, AgentServer.Config> config = (bind, token) -> new AgentServer.Config(
        bind, 0, profile, "d", cache, 1 << 20, 1 << 24, token, token == null ? null : Path.of("cert.pem"),
        token == null ? null : Path.of("key.pem"), "127.0.0.1", -1, Path.of("/"), "");
    assertEquals("", AgentServer.exposure(config.apply("127.0.0.1", null)));
    assertTrue(AgentServer.exposure(config.apply("0.0.0.0", null)).contains("without TLS"));
    assertEquals("", AgentServer.exposure(config.apply("0.0.0.0", "t0ken")));
  }

  @Test
  void messagesBeyondTheModelLimitAreRefusedByTransport() throws Exception {
    try (AgentServer server = TestAgents.start(cache, 1 << 20, null, null, null)) {
      ManagedChannel channel = TestAgents.channel(server);
      byte[] big = new byte[(1 << 20) + AgentServer.INBOUND_MARGIN + 1024];
      var stream = io.hilnat.agent.v1.DeviceAgentGrpc.newStub(channel);
      java.util.concurrent.CompletableFuture<Throwable> failed = new java.util.concurrent.CompletableFuture<>();
      var upload = stream.uploadModel(new io.grpc.stub.StreamObserver<>() {
        public void onNext(io.hilnat.agent.v1.UploadResult r) {
          failed.complete(null);
        }

        public void onError(Throwable t) {
          failed.complete(t);
        }

        public void onCompleted() {}
      });
      upload.onNext(io.hilnat.agent.v1.ModelChunk.newBuilder()
          .setData(com.google.protobuf.ByteString.copyFrom(big)).build());
      upload.onCompleted();
      Throwable t = failed.get(30, java.util.concurrent.TimeUnit.SECONDS);
      // Netty's server answers RESOURCE_EXHAUSTED; OkHttp's (the phone's) resets the stream, which clients see as
      // INTERNAL
      assertTrue(t != null && java.util.Set.of(Status.Code.RESOURCE_EXHAUSTED, Status.Code.INTERNAL)
          .contains(Status.fromThrowable(t).getCode()), String.valueOf(t));
      channel.shutdownNow();
      // a new connection: OkHttp's server leaves the refused one stalled (the reset stream's flow-control credit)
      ManagedChannel fresh = TestAgents.channel(server);
      assertEquals("SERVING", HealthGrpc.newBlockingStub(fresh).withDeadlineAfter(10,
          java.util.concurrent.TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus().name(), "the agent serves on after refusing it");
      fresh.shutdownNow();
    }
  }
}
