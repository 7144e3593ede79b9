package io.hilnat.agent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.hilnat.agent.v1.DeviceAgentGrpc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed uploads at one agent: each gets a clear gRPC error or, when still a model, runs; the agent keeps
 * answering health checks throughout.
 */
class MalformedModelsTest {

  @TempDir Path cache;

  /** A malformed upload: the bytes, and the hash and size the client declares. */
  record Bad(String kind, byte[] bytes, String sha, long size) {}

  static List<Bad> malformed(byte[] model) throws Exception {
    Random random = new Random(2024);
    List<Bad> bad = new ArrayList<>();
    for (int i = 0; i < 50; i++) { // truncated prefixes of a valid model
      byte[] b = java.util.Arrays.copyOf(model, 1 + random.nextInt(model.length - 1));
      bad.add(new Bad("truncated", b, TestAgents.sha256(b), b.length));
    }
    for (int i = 0; i < 40; i++) { // random bytes, some with the right identifier
      byte[] b = new byte[16 + random.nextInt(4096)];
      random.nextBytes(b);
      if (i % 2 == 0) {
        System.arraycopy("TFL3".getBytes(), 0, b, 4, 4);
      }
      bad.add(new Bad("random", b, TestAgents.sha256(b), b.length));
    }
    for (int i = 0; i < 25; i++) { // valid flatbuffers that are not models: a table with the TFL3 identifier
      ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(0, 12).put(4, (byte) 'T').put(5, (byte) 'F').put(6, (byte) 'L').put(7, (byte) '3');
      b.putShort(8, (short) 4).putShort(10, (short) 4).putInt(12, 4 - i % 3); // vtable of an empty table
      byte[] bytes = b.array();
      bad.add(new Bad("flatbuffer-not-model", bytes, TestAgents.sha256(bytes), bytes.length));
    }
    for (int i = 0; i < 30; i++) { // a valid model declared with the wrong hash
      bad.add(new Bad("wrong-hash", model, TestAgents.sha256(new byte[] {(byte) i}), model.length));
    }
    for (int i = 0; i < 25; i++) { // a valid model declared with the wrong size, or a size over the limit
      long size = i % 3 == 0 ? Long.MAX_VALUE : model.length + (i % 2 == 0 ? 1 : -1) * (1 + i);
      bad.add(new Bad("wrong-size", model, TestAgents.sha256(model), size));
    }
    for (int i = 0; i < 30; i++) { // empty files and malformed declared hashes
      byte[] empty = new byte[0];
      bad.add(new Bad("empty", empty, i % 2 == 0 ? TestAgents.sha256(empty) : "not-a-hash-" + i, i % 2 == 0 ? 0 : 1));
    }
    return bad;
  }

  /**
   * 1000 corruptions of a real exported model, each declared with its true hash and size: bit flips, overwritten
   * byte runs, truncations, and int32 fields (offsets, lengths, indices, shapes) replaced by hostile values.
   */
  static List<Bad> corrupted(byte[] model) throws Exception {
    Random random = new Random(99);
    int[] hostile = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7fff, 0x10000, -4096, model.length,
        model.length + 4};
    List<Bad> bad = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      byte[] b = model.clone();
      String kind;
      switch (i % 4) {
        case 0 -> {
          kind = "bit-flip";
          for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
            int at = random.nextInt(b.length);
            b[at] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 1 -> {
          kind = "overwritten-run";
          int at = random.nextInt(b.length);
          for (int k = at; k < Math.min(b.length, at + 1 + random.nextInt(16)); k++) {
            b[k] = (byte) random.nextInt(256);
          }
        }
        case 2 -> {
          kind = "truncated";
          b = java.util.Arrays.copyOf(model, 8 + random.nextInt(model.length - 8));
        }
        default -> {
          kind = "scrambled-int32";
          int at = 4 * random.nextInt(b.length / 4);
          int value = random.nextBoolean() ? hostile[random.nextInt(hostile.length)] : random.nextInt();
          ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        }
      }
      if (java.util.Arrays.equals(b, model)) {
        b[8] ^= 1;
      }
      bad.add(new Bad(kind, b, TestAgents.sha256(b), b.length));
    }
    return bad;
  }

  @Test
  void everyMalformedModelGetsAnErrorAndTheAgentStaysUp() throws Exception {
    byte[] model = TestAgents.model();
    List<Bad> bad = malformed(model);
    assertEquals(200, bad.size());
    Map<String, Integer> rejected = new HashMap<>();
    try (AgentServer server = TestAgents.start(cache, 4 << 20, null, null, null)) {
      ManagedChannel channel = TestAgents.channel(server);
      DeviceAgentGrpc.DeviceAgentStub stub = DeviceAgentGrpc.newStub(channel);
      var health = HealthGrpc.newBlockingStub(channel);
      for (int i = 0; i < bad.size(); i++) {
        Bad b = bad.get(i);
        try {
          TestAgents.upload(stub, b.bytes(), b.sha(), b.size()).get();
          throw new AssertionError("accepted a malformed " + b.kind() + " upload (#" + i + ")");
        } catch (ExecutionException e) {
          Status status = Status.fromThrowable(e.getCause());
          assertNotEquals(Status.Code.UNKNOWN, status.getCode(), "unclear error for " + b.kind());
          assertTrue(status.getDescription() != null && !status.getDescription().isBlank());
          rejected.merge(b.kind(), 1, Integer::sum);
        }
        if (i % 20 == 19) {
          assertEquals(HealthCheckResponse.ServingStatus.SERVING,
              health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
        }
      }
      assertEquals(HealthCheckResponse.ServingStatus.SERVING,
          health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
      // the agent still does real work afterwards
      TestAgents.upload(stub, model, TestAgents.sha256(model), model.length).get();
      System.out.println("malformed models rejected by kind: " + rejected);
      assertEquals(200, rejected.values().stream().mapToInt(Integer::intValue).sum());
      channel.shutdownNow();
    }
  }

  /**
   * A changed padding constant keeps the file valid but pads the batch too: the 1-image graph becomes one of 32,768
   * images that takes TFLite's builtin kernels minutes to run once. It must be refused before it runs.
   */
  @Test
  void aConstantThatMultipliesTheBatchIsRejectedBeforeItRuns() throws Exception {
    byte[] model = TestAgents.model();
    ByteBuffer buffer = ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN);
    int[] firstPaddings = {0, 0, 1, 1, 1, 1, 0, 0}; // NHWC: a padding of one pixel each side
    int at = -1;
    for (int i = 0; at < 0 && i + 32 <= model.length; i += 4) {
      boolean match = true;
      for (int k = 0; match && k < firstPaddings.length; k++) {
        match = buffer.getInt(i + 4 * k) == firstPaddings[k];
      }
      at = match ? i : -1;
    }
    assertTrue(at >= 0, "the fixture's first padding constant was not found");
    buffer.putInt(at + 4, 0x7fff); // the batch's padding after
    try (AgentServer server = TestAgents.start(cache, 4 << 20, null, null, null)) {
      ManagedChannel channel = TestAgents.channel(server);
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> TestAgents.upload(DeviceAgentGrpc.newStub(channel), model, TestAgents.sha256(model), model.length)
              .get());
      Status status = Status.fromThrowable(e.getCause());
      assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), status.toString());
      assertTrue(status.getDescription().matches(".*has shape \\[32768, .*\\] once prepared, but the file declares "
          + "\\[1, .*"), status.getDescription());
      channel.shutdownNow();
    }
  }

  @Test
  void aThousandCorruptedModelsAreRejectedOrRunCleanly() throws Exception {
    byte[] model = TestAgents.model();
    Map<String, Integer> outcomes = new java.util.TreeMap<>();
    try (AgentServer server = TestAgents.start(cache, 4 << 20, null, null, null)) {
      ManagedChannel channel = TestAgents.channel(server);
      DeviceAgentGrpc.DeviceAgentStub stub = DeviceAgentGrpc.newStub(channel);
      var blocking = DeviceAgentGrpc.newBlockingStub(channel);
      var health = HealthGrpc.newBlockingStub(channel);
      List<Bad> corrupted = corrupted(model);
      for (int i = 0; i < corrupted.size(); i++) {
        Bad b = corrupted.get(i);
        try {
          TestAgents.upload(stub, b.bytes(), b.sha(), b.size()).get();
        } catch (ExecutionException e) {
          Status status = Status.fromThrowable(e.getCause());
          assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), b.kind() + " #" + i + ": " + status);
          boolean crashed = status.getDescription().contains("crashed");
          if (crashed) {
            System.out.println("a " + b.kind() + " model crashed the checker, not the agent: " + status
                .getDescription());
          }
          outcomes.merge(b.kind() + (crashed ? " crashed the checker" : " rejected"), 1, Integer::sum);
          continue;
        }
        // the corruption hit a name, padding or a weight: still a model, and it must run like one
        var result = blocking.benchmark(io.hilnat.agent.v1.BenchmarkRequest.newBuilder()
            .setSha256(b.sha()).setRuns(3).build());
        assertEquals(3, result.getStats().getCount());
        outcomes.merge(b.kind() + " ran", 1, Integer::sum);
        if (i % 50 == 49) {
          assertEquals(HealthCheckResponse.ServingStatus.SERVING,
              health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
        }
      }
      assertEquals(HealthCheckResponse.ServingStatus.SERVING,
          health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
      TestAgents.upload(stub, model, TestAgents.sha256(model), model.length).get();
      channel.shutdownNow();
    }
    System.out.println("corrupted models: " + outcomes);
    assertEquals(1000, outcomes.values().stream().mapToInt(Integer::intValue).sum());
    assertTrue(outcomes.keySet().stream().anyMatch(k -> k.endsWith("rejected")));
  }
}
