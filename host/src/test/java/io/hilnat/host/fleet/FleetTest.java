package io.hilnat.host.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.host.agentclient.AgentCredentials;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.export.TfliteExporter;
import io.hilnat.host.net.RandomNetworks;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet against real agent processes: an agent dying mid-run must cost no job and no misattribution. */
class FleetTest {

  private static final String KIND = "linux-x86_64"; // the agents' built-in hardware profile

  @TempDir Path dir;

  @Test
  void jobsOfAKilledAgentMoveToTheOthersAndEachCompletesOnce() throws Exception {
    List<LocalAgent> locals = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        locals.add(LocalAgent.start(dir.resolve("cache" + i), "--device-id", "agent-" + i));
      }
      Map<String, String> deviceIdOf = new ConcurrentHashMap<>();
      List<FleetEntry> entries = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        deviceIdOf.put(locals.get(i).target(), "agent-" + i);
        entries.add(new FleetEntry(locals.get(i).target(), null));
      }
      List<byte[]> models = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        models.add(new TfliteExporter().export(new RandomNetworks(i).mbconvNet("m" + i, 3, 16, 1, 10)));
      }
      BenchmarkRequest template = BenchmarkRequest.newBuilder()
          .setThreads(1).setWarmupRuns(1).setRuns(3).setMinSeconds(0.25).build();
      long begin = System.nanoTime();
      try (Fleet fleet = Fleet.start(entries, new Fleet.Settings(Duration.ofSeconds(30), 3, Duration.ofSeconds(1)))) {
        int jobs = 40;
        Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
        Map<String, Long> completedAt = new ConcurrentHashMap<>();
        List<CompletableFuture<FleetResult>> futures = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
          String name = "job-" + i;
          futures.add(fleet.submit(KIND, models.get(i % models.size()), name, template).whenComplete((r, e) -> {
            completedAt.put(name, System.nanoTime());
            completions.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
          }));
        }
        LocalAgent victim = locals.get(0);
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(completions.size() >= 6 && busy(fleet, victim.target())) && System.nanoTime() < waitUntil) {
          Thread.sleep(5);
        }
        victim.kill();
        long deadAt = System.nanoTime();

        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(50, TimeUnit.SECONDS);
        int retried = 0;
        for (int i = 0; i < jobs; i++) {
          String name = "job-" + i;
          FleetResult r = futures.get(i).get();
          assertEquals(KIND, r.deviceKind());
          assertEquals(deviceIdOf.get(r.agentTarget()), r.result().getDeviceId(), name + " attributed wrongly");
          if (r.agentTarget().equals(victim.target())) {
            assertTrue(completedAt.get(name) < deadAt, name + " attributed to the killed agent after its death");
          }
          retried += r.attempts() > 1 ? 1 : 0;
        }
        assertEquals(jobs, completions.size());
        completions.forEach((name, n) -> assertEquals(1, n.get(), name + " completed " + n + " times"));
        assertTrue(retried >= 1, "no job was retried: the agent was killed while idle");
        assertTrue(fleet.agents().stream().anyMatch(a -> a.target().equals(victim.target()) && !a.up()));
        System.out.printf("fleet: %d jobs, %d retried, %.1f s, per agent %s%n", jobs, retried,
            (System.nanoTime() - begin) / 1e9, perAgent(futures));
      }
    } finally {
      locals.forEach(LocalAgent::close);
    }
  }

  @Test
  void aJobThatTimesOutEverywhereFailsNamingTheKindAndTheAgents() throws Exception {
    try (LocalAgent agent = LocalAgent.start(dir.resolve("cache"));
        Fleet fleet = Fleet.start(List.of(new FleetEntry(agent.target(), KIND)),
            new Fleet.Settings(Duration.ofSeconds(1), 2, Duration.ofMillis(300)))) {
      byte[] model = new TfliteExporter().export(new RandomNetworks(1).mbconvNet("slow", 3, 16, 1, 10));
      CompletableFuture<FleetResult> job = fleet.submit(KIND, model, "slow",
          BenchmarkRequest.newBuilder().setRuns(1).setMinSeconds(20).build());
      Throwable e = assertThrows(ExecutionException.class, () -> job.get(30, TimeUnit.SECONDS)).getCause();
      assertTrue(e instanceof FleetException && e.getMessage().contains("'" + KIND + "'")
          && e.getMessage().contains(agent.target()) && e.getMessage().contains("2 attempts")
          && e.getMessage().contains("within 1 s"), e.getMessage());
      CompletableFuture<FleetResult> unknown = fleet.submit("jetson-nano", model, "x", BenchmarkRequest
          .getDefaultInstance());
      Throwable u = assertThrows(ExecutionException.class, unknown::get).getCause();
      assertTrue(u.getMessage().contains("jetson-nano") && u.getMessage().contains(KIND), u.getMessage());
    }
  }

  @Test
  void anAgentThatAsksForATokenServesAFleetThatHasIt() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "board-secret\n");
    try (LocalAgent agent = LocalAgent.start(dir.resolve("cache"), "--token-file", token.toString())) {
      List<FleetEntry> entries = List.of(new FleetEntry(agent.target(), null));
      FleetException refused = assertThrows(FleetException.class, () -> Fleet.start(entries, Fleet.Settings.DEFAULT));
      assertTrue(refused.getMessage().contains("missing token") && refused.getMessage().contains("--token-file"),
          refused.getMessage());
      try (Fleet fleet = Fleet.start(entries, Fleet.Settings.DEFAULT, new AgentCredentials(token, null, false))) {
        byte[] model = new TfliteExporter().export(new RandomNetworks(2).mbconvNet("secured", 3, 16, 1, 10));
        FleetResult r = fleet.submit(KIND, model, "secured", BenchmarkRequest.newBuilder().setRuns(3).build())
            .get(60, TimeUnit.SECONDS);
        assertEquals(3, r.result().getStats().getCount());
      }
    }
  }

  @Test
  void noReachableAgentIsAClearError() throws Exception {
    List<FleetEntry> entries = List.of(new FleetEntry("127.0.0.1:" + freePort(), null),
        new FleetEntry("127.0.0.1:" + freePort(), "rpi4"));
    FleetException e = assertThrows(FleetException.class, () -> Fleet.start(entries, Fleet.Settings.DEFAULT));
    assertTrue(e.getMessage().startsWith("no agent of the fleet is reachable"), e.getMessage());
    for (FleetEntry entry : entries) {
      assertTrue(e.getMessage().contains(entry.target() + ": agent " + entry.target() + " is unreachable"),
          e.getMessage());
    }
  }

  @Test
  void fleetFilesParseAndBadLinesNameFileLineAndExpectation() throws Exception {
    Path plain = Files.writeString(dir.resolve("fleet.txt"),
        "# lab\n10.0.0.5:50051 rpi4\n\nlocalhost:7000   # no kind\n");
    assertEquals(List.of(new FleetEntry("10.0.0.5:50051", "rpi4"), new FleetEntry("localhost:7000", null)),
        FleetFile.read(plain));
    Path yaml = Files.writeString(dir.resolve("fleet.yaml"),
        "agents:\n  - 10.0.0.5:50051 rpi4\n  - target: 10.0.0.6:50051\n    kind: jetson-nano\n");
    assertEquals(List.of(new FleetEntry("10.0.0.5:50051", "rpi4"), new FleetEntry("10.0.0.6:50051", "jetson-nano")),
        FleetFile.read(yaml));

    assertError(Files.writeString(dir.resolve("bad.txt"), "a:1\n\nb:2 rpi4 extra\n"), "bad.txt line 3",
        "host:port [device-kind]");
    assertError(Files.writeString(dir.resolve("port.txt"), "host:http\n"), "port.txt line 1", "host:http");
    assertError(Files.writeString(dir.resolve("bad.yaml"), "agents:\n  - a:1\n  - kind: rpi4\n"),
        "bad.yaml line 3", "{target: host:port, kind: device-kind, token_file: FILE, tls_cert: CERT}");
    // an agent's own token and certificate, relative to the fleet file, kept through a search's stored spec
    Path own = Files.writeString(dir.resolve("own.txt"), "10.0.0.7:50051 rpi5 token=pi5.token tls=pi5.pem\n");
    FleetEntry entry = FleetFile.read(own).get(0);
    assertEquals(dir.resolve("pi5.token").toAbsolutePath().toString(), entry.tokenFile());
    assertEquals(dir.resolve("pi5.pem").toAbsolutePath().toString(), entry.trustCert());
    assertEquals(entry, FleetEntry.parse(entry.spec()));
    Path ownYaml = Files.writeString(dir.resolve("own.yaml"),
        "agents:\n  - {target: 10.0.0.7:50051, kind: rpi5, token_file: pi5.token}\n");
    assertEquals(dir.resolve("pi5.token").toAbsolutePath().toString(), FleetFile.read(ownYaml).get(0).tokenFile());
    assertError(Files.writeString(dir.resolve("top.yml"), "hosts:\n  - a:1\n"), "top.yml line 1", "`agents:`");
    assertError(Files.writeString(dir.resolve("broken.yaml"), "agents:\n  - a:1\n - [\n"), "broken.yaml line",
        "not valid YAML");
    assertError(Files.writeString(dir.resolve("empty.txt"), "# nothing\n"), "empty.txt", "no agents listed");
  }

  private static void assertError(Path file, String... parts) {
    FleetException e = assertThrows(FleetException.class, () -> FleetFile.read(file));
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), e.getMessage() + " lacks " + part);
    }
  }

  private static boolean busy(Fleet fleet, String target) {
    return fleet.agents().stream().anyMatch(a -> a.target().equals(target) && a.busy());
  }

  private static Map<String, Integer> perAgent(List<CompletableFuture<FleetResult>> futures) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    futures.forEach(f -> counts.merge(f.join().agentTarget(), 1, Integer::sum));
    return counts;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
