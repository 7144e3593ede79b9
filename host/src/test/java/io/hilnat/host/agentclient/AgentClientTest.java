package io.hilnat.host.agentclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.host.export.TfliteExporter;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.net.RandomNetworks;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's client against real agent processes: what a person sees when agents are absent or die. */
class AgentClientTest {

  @TempDir Path dir;

  @Test
  void unreachableAgentIsNamedWithWhatToDo() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // free once closed: nothing listens there
    }
    try (AgentClient client = new AgentClient("127.0.0.1:" + port)) {
      AgentException e = assertThrows(AgentException.class, client::describe);
      assertEquals(Status.Code.UNAVAILABLE, e.code());
      assertTrue(e.getMessage().contains("127.0.0.1:" + port) && e.getMessage().contains("unreachable")
          && e.getMessage().contains("./hilnat agent serve"), e.getMessage());
    }
  }

  @Test
  void agentKilledMidBenchmarkIsReportedWithTheAgentAndTheCall() throws Exception {
    NetworkDescription net = new RandomNetworks(3).mbconvNet("slow", 3, 64, 4, 10);
    byte[] model = new TfliteExporter().export(net);
    LocalAgent agent = LocalAgent.start(dir);
    try (AgentClient client = new AgentClient(agent.target())) {
      String sha = client.ensureUploaded(model, "slow");
      CompletableFuture<Void> started = new CompletableFuture<>();
      CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> client.benchmark(
          BenchmarkRequest.newBuilder().setSha256(sha).setRuns(1).setMinSeconds(60).build(),
          p -> {
            if (p.getPhase().equals("warmup") || p.getPhase().equals("measure")) {
              started.complete(null);
            }
          }));
      started.get(60, TimeUnit.SECONDS);
      agent.kill();
      Throwable failure = assertThrows(Exception.class, () -> call.get(60, TimeUnit.SECONDS)).getCause();
      AgentException e = (AgentException) failure;
      assertTrue(e.getMessage().contains(agent.target()) && e.getMessage().contains("BenchmarkStream"),
          e.getMessage());
      assertTrue(e.getMessage().contains("went away") || e.getMessage().contains("unreachable"), e.getMessage());
    } finally {
      agent.close();
    }
  }

  @Test
  void tokenProtectedAgentAcceptsTheRightTokenOnly() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "abc123\n");
    try (LocalAgent agent = LocalAgent.start(dir.resolve("cache"), "--token-file", token.toString())) {
      try (AgentClient anonymous = new AgentClient(agent.target())) {
        AgentException e = assertThrows(AgentException.class, anonymous::describe);
        assertEquals(Status.Code.UNAUTHENTICATED, e.code());
        assertTrue(e.getMessage().contains("--token-file"), e.getMessage());
      }
      try (AgentClient client = new AgentClient(agent.target(), null, "abc123")) {
        assertEquals("tflite", client.describe().getRuntime());
      }
    }
  }
}
