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
}
