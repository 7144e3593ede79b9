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

/** 200 malformed uploads at one agent: each gets an error, and the agent keeps answering health checks. */
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

  /** A valid model with 1-4 bits flipped in its first 2 KiB (the flatbuffer's tables, not the weights). */
  static List<Bad> bitFlipped(byte[] model) throws Exception {
    Random random = new Random(99);
    List<Bad> bad = new ArrayList<>();
    for (int i = 0; i < 100; i++) { // a valid model with bytes flipped in its structure (the first 2 KiB)
      byte[] b = model.clone();
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        int at = random.nextInt(2048);
        b[at] ^= (byte) (1 << random.nextInt(8));
      }
      if (java.util.Arrays.equals(b, model)) {
        b[8] ^= 1;
      }
      bad.add(new Bad("bit-flip", b, TestAgents.sha256(b), b.length));
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

  @Test
  void bitFlippedModelsAreRejectedOrRunCleanly() throws Exception {
    byte[] model = TestAgents.model();
    int rejected = 0;
    int ran = 0;
    try (AgentServer server = TestAgents.start(cache, 4 << 20, null, null, null)) {
      ManagedChannel channel = TestAgents.channel(server);
      DeviceAgentGrpc.DeviceAgentStub stub = DeviceAgentGrpc.newStub(channel);
      var blocking = DeviceAgentGrpc.newBlockingStub(channel);
      for (Bad b : bitFlipped(model)) {
        try {
          TestAgents.upload(stub, b.bytes(), b.sha(), b.size()).get();
        } catch (ExecutionException e) {
          assertNotEquals(Status.Code.UNKNOWN, Status.fromThrowable(e.getCause()).getCode());
          rejected++;
          continue;
        }
        // the flip hit a name or padding: still a model, and it must run like one
        var result = blocking.benchmark(io.hilnat.agent.v1.BenchmarkRequest.newBuilder()
            .setSha256(b.sha()).setRuns(3).build());
        assertEquals(3, result.getStats().getCount());
        ran++;
      }
      assertEquals(HealthCheckResponse.ServingStatus.SERVING,
          HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus());
      channel.shutdownNow();
    }
    System.out.println("bit-flipped models: " + rejected + " rejected, " + ran + " still valid and ran");
    assertEquals(100, rejected + ran);
    assertTrue(rejected > ran, "most flips in the flatbuffer's tables must be caught");
  }
}
