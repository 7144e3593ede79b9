package io.hilnat.host.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.export.TfliteExporter;
import io.hilnat.host.fleet.Fleet;
import io.hilnat.host.fleet.FleetEntry;
import io.hilnat.host.fleet.FleetResult;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.space.SubnetBuilder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The fleet's throughput: one batch of small benchmark jobs on 1, 4 and all of N agents on loopback, each job
 * checked to complete once and be credited to one agent. The reference is the same batch on one agent, in the
 * same run. On a machine with fewer cores than agents the agents share them: the ratio says how much of a
 * batch's time is the fleet's own (dispatch, gRPC) rather than the devices'.
 */
public final class FleetBench {

  private static final int DISTINCT_MODELS = 20;

  private FleetBench() {}

  public static ObjectNode run(Path workDir, int agents, int jobs, PrintStream progress) throws Exception {
    SearchSpace space = SearchSpaceLoader.load("tiny-mbv3");
    Random random = new Random(7);
    List<byte[]> models = new ArrayList<>();
    for (int i = 0; i < DISTINCT_MODELS; i++) {
      models.add(new TfliteExporter().export(new SubnetBuilder(space).build(space.sample(random), 1, 10, 1)));
    }
    BenchmarkRequest template = BenchmarkRequest.newBuilder().setThreads(1).setRuns(1).setWarmupRuns(0).build();
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode report = mapper.createObjectNode();
    report.put("benchmark", "fleet");
    report.put("reference", "the same batch on 1 agent, in this run");
    report.putObject("configuration").put("agents", agents).put("jobs", jobs).put("distinct_models", DISTINCT_MODELS)
        .put("space", "tiny-mbv3").put("runs_per_job", 1).put("threads", 1).put("agents_on", "127.0.0.1, one JVM each");
    Machine.describe(report.putObject("machine"));
    List<LocalAgent> started = new ArrayList<>();
    try {
      for (int i = 0; i < agents; i++) {
        progress.printf("fleet bench: starting agent %d/%d%n", i + 1, agents);
        started.add(LocalAgent.start(workDir.resolve("agent-" + i)));
      }
      ArrayNode results = report.putArray("results");
      double reference = 0;
      for (int n : List.of(1, Math.min(4, agents), agents)) {
        if (results.size() > 0 && results.get(results.size() - 1).get("agents").asInt() == n) {
          continue;
        }
        List<FleetEntry> entries = started.subList(0, n).stream().map(a -> new FleetEntry(a.target(), null)).toList();
        try (Fleet fleet = Fleet.start(entries, Fleet.Settings.DEFAULT)) {
          String kind = fleet.agents().get(0).deviceKind();
          // uploads first, once per agent and model, so the timed batch is benchmarks only
          warm(fleet, kind, models, template, n);
          long start = System.nanoTime();
          List<CompletableFuture<FleetResult>> batch = new ArrayList<>();
          for (int j = 0; j < jobs; j++) {
            batch.add(fleet.submit(kind, models.get(j % models.size()), "job-" + j, template));
          }
          Map<String, Integer> credited = new TreeMap<>();
          int completed = 0;
          for (CompletableFuture<FleetResult> job : batch) {
            FleetResult r = job.get();
            credited.merge(r.agentTarget(), 1, Integer::sum);
            completed++;
          }
          double seconds = (System.nanoTime() - start) / 1e9;
          int creditedTotal = credited.values().stream().mapToInt(Integer::intValue).sum();
          if (completed != jobs || creditedTotal != jobs) {
            throw new IllegalStateException(n + " agents: " + completed + " jobs completed and " + creditedTotal
                + " credited of " + jobs);
          }
          double perSecond = jobs / seconds;
          reference = n == 1 ? perSecond : reference;
          ObjectNode row = results.addObject().put("agents", n).put("jobs_completed", completed)
              .put("jobs_credited", creditedTotal).put("seconds", seconds).put("jobs_per_second", perSecond)
              .put("ratio_to_one_agent", perSecond / reference);
          ObjectNode perAgent = row.putObject("jobs_per_agent");
          credited.forEach(perAgent::put);
          progress.printf("fleet bench: %d agents, %d jobs in %.1f s (%.1f jobs/s)%n", n, jobs, seconds, perSecond);
        }
      }
    } finally {
      started.forEach(LocalAgent::close);
    }
    return report;
  }

  /** Each model uploaded to each agent: a job per model per agent, run until every agent has every model. */
  private static void warm(Fleet fleet, String kind, List<byte[]> models, BenchmarkRequest template, int agents)
      throws Exception {
    List<CompletableFuture<FleetResult>> warmup = new ArrayList<>();
    for (int round = 0; round < 2 * agents; round++) {
      for (int m = 0; m < models.size(); m++) {
        warmup.add(fleet.submit(kind, models.get(m), "warm-" + m, template));
      }
    }
    for (CompletableFuture<FleetResult> w : warmup) {
      w.get();
    }
  }
}
