package io.hilnat.host.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.agent.v1.DeviceDescription;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.export.TfliteExporter;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.space.SubnetBuilder;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What the agent's runtime runs: for 10 subnets exported from two built-in spaces, the agent's p50 with TFLite's
 * builtin kernels ({@code cpu}) and with XNNPACK, same threads, same run, and the XNNPACK p50 against the C API
 * invoked in a bare loop in another process (the reference that shares none of the agent's code).
 */
public final class RuntimeBench {

  static final int WARMUP = 20;
  static final int RUNS = 100;
  static final double MIN_SECONDS = 1.0;

  private RuntimeBench() {}

  /** A subnet of a built-in space, exported with inherited (here: seeded) weights for the space's input. */
  public record Subnet(String name, SearchSpace space, Architecture arch, int channels) {
    public byte[] export() {
      return new TfliteExporter().export(new SubnetBuilder(space).build(arch, channels, 10, 1));
    }
  }

  /** Ten subnets: smallest, largest and three random ones of two built-in spaces. */
  public static List<Subnet> subnets() {
    List<Subnet> subnets = new ArrayList<>();
    for (String[] spaceAndChannels : new String[][] {{"tiny-cpu-relu-mbv3", "1"}, {"small-mbv3", "3"}}) {
      SearchSpace space = SearchSpaceLoader.load(spaceAndChannels[0]);
      int channels = Integer.parseInt(spaceAndChannels[1]);
      Random random = new Random(7);
      subnets.add(new Subnet(space.name() + " smallest", space, space.smallest(), channels));
      subnets.add(new Subnet(space.name() + " largest", space, space.largest(), channels));
      for (int i = 1; i <= 3; i++) {
        subnets.add(new Subnet(space.name() + " random " + i, space, space.sample(random), channels));
      }
    }
    return subnets;
  }

  public static ObjectNode run(Path workDir, int threads, PrintStream progress) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode report = mapper.createObjectNode().put("benchmark", "runtime");
    report.put("reference", CApiReference.DESCRIPTION);
    report.putObject("configuration").put("threads", threads).put("warmup_runs", WARMUP).put("runs", RUNS)
        .put("min_seconds", MIN_SECONDS).put("precision", "fp32");
    Machine.describe(report.putObject("machine"));
    ArrayNode rows = report.putArray("models");
    List<Double> speedups = new ArrayList<>();
    List<Double> overheads = new ArrayList<>();
    CApiReference reference = CApiReference.prepare(workDir);
    try (LocalAgent agent = LocalAgent.start(workDir.resolve("agent-cache"));
        AgentClient client = new AgentClient(agent.target())) {
      DeviceDescription d = client.describe();
      report.putObject("agent").put("runtime", d.getRuntime() + " " + d.getRuntimeVersion())
          .put("platform", d.getPlatform()).put("profile", d.getHardwareProfile());
      for (Subnet s : subnets()) {
        byte[] model = s.export();
        Path file = workDir.resolve(s.name().replace(' ', '-') + ".tflite");
        Files.write(file, model);
        String sha = client.ensureUploaded(model, file.getFileName().toString());
        BenchmarkResult cpu = measure(client, sha, threads, "cpu");
        BenchmarkResult xnnpack = measure(client, sha, threads, "xnnpack");
        double referenceCpu = reference.measure(file, threads, WARMUP, RUNS, MIN_SECONDS, "cpu").get("p50_ms")
            .asDouble();
        double referenceXnnpack = reference.measure(file, threads, WARMUP, RUNS, MIN_SECONDS, "xnnpack")
            .get("p50_ms").asDouble();
        double speedup = cpu.getStats().getP50Ms() / xnnpack.getStats().getP50Ms();
        double cpuOverhead = cpu.getStats().getP50Ms() / referenceCpu;
        double xnnpackOverhead = xnnpack.getStats().getP50Ms() / referenceXnnpack;
        speedups.add(speedup);
        overheads.add(cpuOverhead);
        overheads.add(xnnpackOverhead);
        rows.addObject().put("model", s.name()).put("bytes", model.length).put("nodes", cpu.getNodes())
            .put("cpu_p50_ms", cpu.getStats().getP50Ms()).put("xnnpack_p50_ms", xnnpack.getStats().getP50Ms())
            .put("xnnpack_nodes_delegated", xnnpack.getNodesDelegated())
            .put("reference_cpu_p50_ms", referenceCpu).put("reference_xnnpack_p50_ms", referenceXnnpack)
            .put("xnnpack_speedup_over_cpu", speedup).put("agent_cpu_over_reference", cpuOverhead)
            .put("agent_xnnpack_over_reference", xnnpackOverhead)
            .put("peak_rss_kb", xnnpack.getMemory().getPeakKb());
        progress.printf("%-28s cpu %.4f ms, xnnpack %.4f ms (%.1fx); agent/reference cpu %.3f, xnnpack %.3f%n",
            s.name(), cpu.getStats().getP50Ms(), xnnpack.getStats().getP50Ms(), speedup, cpuOverhead, xnnpackOverhead);
      }
    }
    ObjectNode summary = Spread.put(report.putObject("summary"), "xnnpack_speedup_over_cpu", speedups);
    // both delegates' ratios: the agent's timing loop against the bare C loop
    Spread.put(summary, "agent_over_reference", overheads);
    return report;
  }

  /** One benchmark of these settings, as both this and {@link PrecisionBench} take it. */
  static BenchmarkResult measure(AgentClient client, String sha, int threads, String delegate) {
    return client.benchmark(BenchmarkRequest.newBuilder().setSha256(sha).setThreads(threads).setDelegate(delegate)
        .setWarmupRuns(WARMUP).setRuns(RUNS).setMinSeconds(MIN_SECONDS).build());
  }
}
