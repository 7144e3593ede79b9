package io.hilnat.host.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hilnat.host.search.Objective;
import io.hilnat.host.search.StructureEvaluator;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a search delivers obeys it: constraints bind the reported front, the exported models and the fine-tuned
 * subnet; a small space ends; one search per run folder (a resumed final stage: CrashResumeTest).
 */
class SearchDeliveryTest {

  static final String SPACE = "src/test/resources/spaces/micro.yaml";

  @TempDir Path dir;

  @Test
  void onlySubnetsWithinTheLimitAreReportedAndExported() throws Exception {
    SearchSpace space = SearchSpaceLoader.load(SPACE);
    Objective madds = Objective.parse("madds", null);
    StructureEvaluator count = new StructureEvaluator(space, 1, 10, List.of(madds));
    double smallest = count.evaluate(space.smallest()).get(0).value();
    double largest = count.evaluate(space.largest()).get(0).value();
    // the largest subnet is always in the initial archive and the most accurate: the limit rules it out
    double limit = (smallest + largest) / 2;
    String constraint = String.format(Locale.ROOT, "madds<=%.6f", madds.display(limit));
    SearchOptions options = SearchOptions.builder().space(SPACE).warmupSteps(3).batch(16).objectives(List.of("error",
        "madds"))
        .constraints(List.of(constraint)).initialSamples(6).iterations(1).candidates(2).population(20)
        .generations(3).adaptSteps(2).validationImages(200).calibrationImages(32).benchmarkRuns(5).exportTop(3)
        .fineTuneMinutes(0.05).build();
    StringWriter log = new StringWriter();
    Path run = dir.resolve("run");
    new SearchJob(run, new PrintWriter(log, true)).execute(options);

    JsonNode pareto = new ObjectMapper().readTree(run.resolve("pareto.json").toFile());
    assertTrue(pareto.size() > 0, log.toString());
    String largestKey = ArchitectureFormat.key(space, space.largest());
    for (JsonNode subnet : pareto) {
      assertTrue(subnet.get("madds").asDouble() <= madds.display(limit) + 1e-9, "over the limit: " + subnet);
      assertFalse(subnet.get("arch_key").asText().equals(largestKey));
    }
    try (Stream<Path> models = Files.list(run.resolve("models"))) {
      for (Path model : (Iterable<Path>) models::iterator) {
        String name = model.getFileName().toString();
        assertFalse(name.contains(largestKey.replace(',', '-')), "the infeasible largest subnet was exported: " + name);
      }
    }
    assertTrue(log.toString().contains("within [" + "madds<="), log.toString());
    assertTrue(Files.readString(run.resolve("report.md")).contains("Only subnets within"));
  }

  /** The micro space has 36 subnets: asking for more than it holds ends, with fewer, and says so. */
  @Test
  void aSearchOnASpaceOfAFewDozenSubnetsEnds() throws Exception {
    SearchOptions options = SearchOptions.builder().space(SPACE).warmupSteps(3).batch(16).objectives(List.of("error",
        "madds"))
        .initialSamples(40).iterations(2).population(20).generations(3).adaptSteps(2).validationImages(200)
        .calibrationImages(32).benchmarkRuns(5).exportTop(1).build();
    StringWriter log = new StringWriter();
    new SearchJob(dir.resolve("exhausted"), new PrintWriter(log, true)).execute(options);
    assertTrue(log.toString().contains("the space is nearly exhausted"), log.toString());
    assertTrue(log.toString().contains("mutations of the best found no other new subnet"), log.toString());
  }

  @Test
  void aSecondSearchOnARunFolderInUseIsRefusedNamingTheFirst() throws Exception {
    Path run = dir.resolve("busy");
    try (RunLock first = RunLock.acquire(run)) {
      SearchOptions options = SearchOptions.builder().space(SPACE).warmupSteps(3).batch(16).objectives(List.of("error",
          "madds"))
          .initialSamples(4).iterations(0).candidates(2).population(20).generations(3).adaptSteps(2)
          .validationImages(200).calibrationImages(32).benchmarkRuns(5).exportTop(1).build();
      String refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
          () -> new SearchJob(run, new PrintWriter(new StringWriter(), true)).execute(options)).getMessage();
      assertTrue(refused.contains("is in use by another search (process " + ProcessHandle.current().pid()), refused);
    }
    // released: the folder is usable again (the lock of a killed process goes with it, as the OS keeps it)
    RunLock.acquire(run).close();
  }

  /** An agent that wants a token over TLS: a search naming both in its agent's entry works; one without fails. */
  @Test
  void aSearchThroughATokenAndTlsAgentWorksAndWithoutTheTokenFailsClearly() throws Exception {
    Path tls = Path.of("../device-agent/src/test/resources/tls").toAbsolutePath();
    Path token = Files.writeString(dir.resolve("token"), "s3cret-token\n");
    try (io.hilnat.host.agentclient.LocalAgent agent = io.hilnat.host.agentclient.LocalAgent.start(dir.resolve("cache"),
        "--token-file", token.toString(), "--tls-cert", tls.resolve("cert.pem").toString(), "--tls-key",
        tls.resolve("key.pem").toString())) {
      String entry = agent.target() + " token=" + token + " tls=" + tls.resolve("cert.pem");
      SearchOptions secured = SearchOptions.builder().space(SPACE).warmupSteps(3).batch(16).agents(List.of(entry))
          .initialSamples(4)
          .iterations(0).candidates(2).population(20).generations(3).adaptSteps(2).validationImages(200)
          .calibrationImages(32).benchmarkRuns(3).exportTop(1).build();
      StringWriter log = new StringWriter();
      new SearchJob(dir.resolve("secured"), new PrintWriter(log, true)).execute(secured);
      assertTrue(Files.readString(dir.resolve("secured/evaluations.csv")).contains("latency@linux-x86_64"), log
          .toString());

      SearchOptions noToken = SearchOptions.builder().space(SPACE).warmupSteps(3).batch(16)
          .agents(List.of(agent.target() + " tls=" + tls.resolve("cert.pem"))).initialSamples(4).iterations(0)
          .candidates(2).population(20).generations(3).adaptSteps(2).validationImages(200).calibrationImages(32)
          .benchmarkRuns(3).exportTop(1).build();
      Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
          () -> new SearchJob(dir.resolve("no-token"), new PrintWriter(new StringWriter(), true)).execute(noToken));
      assertTrue(refused.getMessage().contains("missing token"), refused.getMessage());
    }
  }

  /** A label-free search checkpoints its projection head with every supernet, and each adaptation goes on from it. */
  @Test
  void aLabelFreeSearchKeepsItsProjectionHeadAcrossAdaptations() throws Exception {
    SearchOptions options = SearchOptions.builder().space(SPACE).warmupSteps(4).batch(16).objectives(List.of("error",
        "madds"))
        .initialSamples(4).iterations(2).candidates(2).population(20).generations(3).adaptSteps(2)
        .validationImages(200).calibrationImages(32).benchmarkRuns(3).exportTop(1).ssl(true).labels(0.2).build();
    Path run = dir.resolve("ssl");
    StringWriter log = new StringWriter();
    new SearchJob(run, new PrintWriter(log, true)).execute(options);
    for (String checkpoint : List.of("warmup", "iter-001", "iter-002")) {
      assertTrue(Files.isRegularFile(run.resolve("supernet").resolve(checkpoint).resolve("trainer.ndlist")),
          checkpoint + " keeps the trainer's state: " + log);
    }
  }
}
