package io.hilnat.host.agentclient;

import com.google.protobuf.ByteString;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import io.hilnat.agent.v1.BenchmarkProgress;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.agent.v1.DescribeRequest;
import io.hilnat.agent.v1.DeviceAgentGrpc;
import io.hilnat.agent.v1.DeviceDescription;
import io.hilnat.agent.v1.InferRequest;
import io.hilnat.agent.v1.ModelChunk;
import io.hilnat.agent.v1.ModelHeader;
import io.hilnat.agent.v1.ModelRef;
import io.hilnat.agent.v1.Tensor;
import io.hilnat.agent.v1.UploadResult;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The host's view of one device agent. Every failure becomes an {@link AgentException} naming the agent. */
public final class AgentClient implements AutoCloseable {

  private static final int CHUNK = 1 << 20;

  private final String target;
  private final ManagedChannel channel;
  private final DeviceAgentGrpc.DeviceAgentBlockingStub blocking;
  private final DeviceAgentGrpc.DeviceAgentStub async;

  /** Plaintext, no token. */
  public AgentClient(String target) {
    this(target, null, null);
  }

  /**
   * @param trustCert PEM certificate to trust for TLS, or {@code null} for plaintext
   * @param token bearer token, or {@code null}
   */
  public AgentClient(String target, Path trustCert, String token) {
    this.target = target;
    ChannelCredentials credentials;
    try {
      credentials = trustCert == null
          ? InsecureChannelCredentials.create()
          : TlsChannelCredentials.newBuilder().trustManager(trustCert.toFile()).build();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read TLS certificate " + trustCert + ": " + e.getMessage(), e);
    }
    this.channel = Grpc.newChannelBuilder(target, credentials).maxInboundMessageSize(256 << 20).build();
    DeviceAgentGrpc.DeviceAgentBlockingStub b = DeviceAgentGrpc.newBlockingStub(channel);
    DeviceAgentGrpc.DeviceAgentStub a = DeviceAgentGrpc.newStub(channel);
    if (token != null) {
      CallCredentials bearer = new BearerToken(token);
      b = b.withCallCredentials(bearer);
      a = a.withCallCredentials(bearer);
    }
    this.blocking = b;
    this.async = a;
  }

  public String target() {
    return target;
  }

  public DeviceDescription describe() {
    return call("Describe", () -> blocking.withDeadlineAfter(10, TimeUnit.SECONDS).describe(
        DescribeRequest.getDefaultInstance()));
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Uploads {@code model} unless the agent has it already; returns its SHA-256. */
  public String ensureUploaded(byte[] model, String name) {
    String sha = sha256(model);
    boolean present = call("HasModel", () -> blocking.withDeadlineAfter(10, TimeUnit.SECONDS)
        .hasModel(ModelRef.newBuilder().setSha256(sha).build())).getPresent();
    if (!present) {
      upload(model, sha, name);
    }
    return sha;
  }

  /** Streams the model in chunks; the agent verifies size and hash and loads it once. */
  public UploadResult upload(byte[] model, String sha, String name) {
    CompletableFuture<UploadResult> done = new CompletableFuture<>();
    StreamObserver<ModelChunk> stream = async.withDeadlineAfter(120, TimeUnit.SECONDS)
        .uploadModel(new StreamObserver<>() {
          @Override
          public void onNext(UploadResult value) {
            done.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    stream.onNext(ModelChunk.newBuilder().setHeader(
        ModelHeader.newBuilder().setSha256(sha).setSizeBytes(model.length).setName(name)).build());
    for (int offset = 0; offset < model.length && !done.isDone(); offset += CHUNK) {
      stream.onNext(ModelChunk.newBuilder()
          .setData(ByteString.copyFrom(model, offset, Math.min(CHUNK, model.length - offset))).build());
    }
    stream.onCompleted();
    return call("UploadModel", () -> {
      try {
        return done.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new RuntimeException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
      }
    });
  }

  public BenchmarkResult benchmark(BenchmarkRequest request) {
    return call("Benchmark", () -> blocking.withDeadlineAfter(deadlineSeconds(request), TimeUnit.SECONDS)
        .benchmark(request));
  }

  /** Benchmark with progress: {@code progress} sees each message before the result. */
  public BenchmarkResult benchmark(BenchmarkRequest request, Consumer<BenchmarkProgress> progress) {
    return call("BenchmarkStream", () -> {
      Iterator<BenchmarkProgress> it = blocking.withDeadlineAfter(deadlineSeconds(request), TimeUnit.SECONDS)
          .benchmarkStream(request);
      BenchmarkResult result = null;
      while (it.hasNext()) {
        BenchmarkProgress p = it.next();
        progress.accept(p);
        if (p.hasResult()) {
          result = p.getResult();
        }
      }
      if (result == null) {
        throw Status.INTERNAL.withDescription("the stream ended without a result").asRuntimeException();
      }
      return result;
    });
  }

  private static long deadlineSeconds(BenchmarkRequest r) {
    // generous: queueing behind other jobs plus the requested minimum time
    return 600 + (long) (r.getMinSeconds() + r.getWarmupMinSeconds());
  }

  /** Runs the model on each input (NHWC floats for our exported models) and returns the outputs. */
  public List<float[]> infer(String sha, List<float[]> inputs, int threads) {
    return infer(sha, inputs, threads, "");
  }

  /** {@link #infer(String, List, int)} with a delegate by name ("": the device's default). */
  public List<float[]> infer(String sha, List<float[]> inputs, int threads, String delegate) {
    InferRequest.Builder request = InferRequest.newBuilder().setSha256(sha).setThreads(threads).setDelegate(delegate);
    for (float[] input : inputs) {
      Tensor.Builder t = Tensor.newBuilder();
      for (float v : input) {
        t.addValues(v);
      }
      request.addInputs(t);
    }
    var result = call("Infer", () -> blocking.withDeadlineAfter(600, TimeUnit.SECONDS).infer(request.build()));
    List<float[]> outputs = new ArrayList<>();
    for (Tensor t : result.getOutputsList()) {
      float[] values = new float[t.getValuesCount()];
      for (int i = 0; i < values.length; i++) {
        values[i] = t.getValues(i);
      }
      outputs.add(values);
    }
    return outputs;
  }

  private <T> T call(String method, Supplier<T> body) {
    try {
      return body.get();
    } catch (StatusRuntimeException e) {
      throw translate(method, e);
    }
  }

  private AgentException translate(String method, StatusRuntimeException e) {
    Status s = e.getStatus();
    String detail = s.getDescription() == null ? "" : s.getDescription();
    String cause = e.getCause() == null ? "" : e.getCause().getMessage();
    String message = switch (s.getCode()) {
      case UNAVAILABLE -> detail.contains("Connection refused") || cause.contains("Connection refused")
          || detail.startsWith("io exception")
          ? "agent " + target + " is unreachable during " + method + " (" + firstNonEmpty(cause, detail)
              + "): is `./hilnat agent serve` running there, and is the port right?"
          : "agent " + target + " went away during " + method + " (" + firstNonEmpty(detail, cause)
              + "): check that the agent process is alive and retry";
      case DEADLINE_EXCEEDED -> "agent " + target + " did not answer " + method + " in time: it may be busy "
          + "with other jobs or hung";
      case UNAUTHENTICATED -> "agent " + target + " refused " + method + ": " + detail
          + " (pass --token-file with the agent's token)";
      default -> "agent " + target + " " + method + " failed (" + s.getCode() + "): " + detail;
    };
    return new AgentException(message, s.getCode(), e);
  }

  private static String firstNonEmpty(String a, String b) {
    return a == null || a.isEmpty() ? b : a;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code authorization: Bearer <token>} on every call. */
  private static final class BearerToken extends CallCredentials {
    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final String token;

    BearerToken(String token) {
      this.token = token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + token);
      applier.apply(headers);
    }
  }
}
