package io.hilnat.agent.server;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.hilnat.agent.profile.HardwareProfile;
import io.hilnat.agent.profile.Platform;
import io.hilnat.agent.profile.ProfileLoader;
import io.hilnat.agent.runtime.ChildProcessModelChecker;
import io.hilnat.agent.runtime.TfliteRuntime;
import io.hilnat.agent.v1.DeviceAgentGrpc;
import io.hilnat.agent.v1.ModelChunk;
import io.hilnat.agent.v1.ModelHeader;
import io.hilnat.agent.v1.UploadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Real agents on 127.0.0.1 for tests, and the model fixture the host's exporter wrote. */
final class TestAgents {

  static final TfliteRuntime RUNTIME = new TfliteRuntime();

  /**
   * The transport the agents listen with: Netty unless {@code hilnat.test.transport} names another, as the Android
   * agent's build does to run these tests over OkHttp (a name: the class must not be loaded where Netty is absent).
   */
  static final Transport TRANSPORT = transport(System.getProperty("hilnat.test.transport",
      "io.hilnat.agent.server.NettyTransport"));

  private TestAgents() {}

  static AgentServer start(Path cache, long maxBytes, String token, Path cert, Path key) throws Exception {
    return start(cache, maxBytes, token, cert, key, "linux-x86_64", Path.of("/nonexistent-sysfs"));
  }

  static AgentServer start(Path cache, long maxBytes, String token, Path cert, Path key, String profile,
      Path sysfsRoot) throws Exception {
    HardwareProfile hw = ProfileLoader.builtIn(profile);
    // recorded boards' profiles run here on x86: the override marks every result as not the board's
    String override = ProfileLoader.checkPlatform(hw, Platform.current(), true);
    return new AgentServer(new AgentServer.Config("127.0.0.1", 0, hw, "test-device", cache, maxBytes, 64 * maxBytes,
        token, cert, key, "127.0.0.1", 0, sysfsRoot, override), TRANSPORT, RUNTIME,
        ChildProcessModelChecker.forThisJvm(20)); // under upload()'s deadline, as the agent's is under the host's
  }

  private static Transport transport(String className) {
    try {
      return (Transport) Class.forName(className).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("no agent transport " + className, e);
    }
  }

  static ManagedChannel channel(AgentServer server) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
        .maxInboundMessageSize(256 << 20).build();
  }

  /** A 3×32×32 MBConv network exported by the host's TfliteExporter (see ExportEquivalenceTest there). */
  static byte[] model() throws Exception {
    return Files.readAllBytes(Path.of(TestAgents.class.getResource("/models/mbconv-32px.tflite").toURI()));
  }

  static String sha256(byte[] bytes) throws Exception {
    return io.hilnat.agent.core.Hex.of(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** Uploads {@code bytes} declaring {@code sha} and {@code size}; returns the result or the error. */
  static CompletableFuture<UploadResult> upload(DeviceAgentGrpc.DeviceAgentStub stub, byte[] bytes, String sha,
      long size) {
    CompletableFuture<UploadResult> done = new CompletableFuture<>();
    StreamObserver<ModelChunk> stream = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
        .uploadModel(new StreamObserver<>() {
      public void onNext(UploadResult r) {
        done.complete(r);
      }

      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      public void onCompleted() {
        done.complete(null);
      }
    });
    stream.onNext(ModelChunk.newBuilder().setHeader(ModelHeader.newBuilder().setSha256(sha).setSizeBytes(size))
        .build());
    for (int off = 0; off < bytes.length; off += 64 * 1024) {
      stream.onNext(ModelChunk.newBuilder()
          .setData(ByteString.copyFrom(bytes, off, Math.min(64 * 1024, bytes.length - off))).build());
    }
    stream.onCompleted();
    return done;
  }
}
