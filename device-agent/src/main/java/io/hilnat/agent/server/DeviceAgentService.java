package io.hilnat.agent.server;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.hilnat.agent.core.AgentCore;
import io.hilnat.agent.core.AgentException;
import io.hilnat.agent.core.ModelCache;
import io.hilnat.agent.v1.BenchmarkProgress;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.agent.v1.DescribeRequest;
import io.hilnat.agent.v1.DeviceAgentGrpc;
import io.hilnat.agent.v1.DeviceDescription;
import io.hilnat.agent.v1.HasModelResult;
import io.hilnat.agent.v1.InferRequest;
import io.hilnat.agent.v1.InferResult;
import io.hilnat.agent.v1.ModelChunk;
import io.hilnat.agent.v1.ModelRef;
import io.hilnat.agent.v1.UploadResult;
import java.io.IOException;
import java.util.function.Supplier;

/** The gRPC face of {@link AgentCore}: translation of messages and errors, nothing else. */
public final class DeviceAgentService extends DeviceAgentGrpc.DeviceAgentImplBase {

  private final AgentCore core;

  public DeviceAgentService(AgentCore core) {
    this.core = core;
  }

  @Override
  public void describe(DescribeRequest request, StreamObserver<DeviceDescription> response) {
    unary(response, core::describe);
  }

  @Override
  public void hasModel(ModelRef request, StreamObserver<HasModelResult> response) {
    unary(response, () -> HasModelResult.newBuilder().setPresent(core.cache().contains(request.getSha256())).build());
  }

  @Override
  public void benchmark(BenchmarkRequest request, StreamObserver<BenchmarkResult> response) {
    unary(response, () -> core.benchmark(request, progress -> {}));
  }

  @Override
  public void benchmarkStream(BenchmarkRequest request, StreamObserver<BenchmarkProgress> response) {
    try {
      BenchmarkResult result = core.benchmark(request, response::onNext);
      response.onNext(BenchmarkProgress.newBuilder().setPhase("done").setRunsDone(result.getStats().getCount())
          .setRunsTarget(request.getRuns()).setResult(result).build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(status(e));
    }
  }

  @Override
  public void infer(InferRequest request, StreamObserver<InferResult> response) {
    unary(response, () -> core.infer(request));
  }

  @Override
  public StreamObserver<ModelChunk> uploadModel(StreamObserver<UploadResult> response) {
    return new StreamObserver<>() {
      private ModelCache.Upload upload;
      private String sha256;
      private long size;
      private boolean present;
      /**
       * Answered only once the client has sent its last chunk: a call closed while its data is still in flight
       * stalls the whole connection on gRPC's OkHttp server (the phone's), which never returns that data's
       * flow-control credit.
       */
      private Exception failure;

      @Override
      public void onNext(ModelChunk chunk) {
        if (failure != null) {
          return;
        }
        try {
          if (sha256 == null) {
            if (!chunk.hasHeader()) {
              throw new AgentException(AgentException.Kind.INVALID_ARGUMENT,
                  "the first UploadModel message must be the header (sha256, size_bytes)");
            }
            sha256 = chunk.getHeader().getSha256();
            size = chunk.getHeader().getSizeBytes();
            present = core.cache().contains(sha256);
            if (!present) {
              upload = core.cache().begin(sha256, size);
            }
          } else if (chunk.hasHeader()) {
            throw new AgentException(AgentException.Kind.INVALID_ARGUMENT, "a second header arrived mid-upload");
          } else if (!present) {
            upload.write(chunk.getData().toByteArray());
          }
        } catch (IOException | RuntimeException e) {
          failure = e;
          close();
        }
      }

      @Override
      public void onError(Throwable t) {
        close();
      }

      @Override
      public void onCompleted() {
        if (failure != null) {
          response.onError(status(failure));
          return;
        }
        try {
          if (sha256 == null) {
            throw new AgentException(AgentException.Kind.INVALID_ARGUMENT, "empty upload: no header was sent");
          }
          response.onNext(present ? core.alreadyPresent(sha256) : core.accept(upload, sha256, size));
          response.onCompleted();
        } catch (IOException | RuntimeException e) {
          response.onError(status(e));
        } finally {
          close();
        }
      }

      private void close() {
        if (upload != null) {
          try {
            upload.close();
          } catch (IOException ignored) {
            // the temporary file is gone or will be overwritten; nothing to report
          }
        }
      }
    };
  }

  private static <T> void unary(StreamObserver<T> response, Supplier<T> call) {
    T value;
    try {
      value = call.get();
    } catch (RuntimeException e) {
      response.onError(status(e));
      return;
    }
    response.onNext(value);
    response.onCompleted();
  }

  static io.grpc.StatusRuntimeException status(Exception e) {
    if (e instanceof AgentException a) {
      Status status = switch (a.kind()) {
        case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
        case NOT_FOUND -> Status.NOT_FOUND;
        case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
        case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
        case INTERNAL -> Status.INTERNAL;
      };
      return status.withDescription(a.getMessage()).asRuntimeException();
    }
    return Status.INTERNAL.withDescription(e.getClass().getSimpleName() + ": " + e.getMessage()).asRuntimeException();
  }
}
