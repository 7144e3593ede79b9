package io.hilnat.host.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.agent.v1.DeviceDescription;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.export.Int8Calibration;
import io.hilnat.host.export.TfliteExporter;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.space.SubnetBuilder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What int8 buys on one agent: for the 10 subnets of {@link RuntimeBench}, the p50 of the full-integer export
 * against the fp32 one, same delegate and threads, same run. Random weights: latency does not depend on them, and
 * the int8 export is calibrated on random images.
 */
public final class PrecisionBench {

  private PrecisionBench() {}

  public static ObjectNode run(Path workDir, int threads, String delegate, PrintStream progress) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode report = mapper.createObjectNode().put("benchmark", "precision");
    report.put("reference", "the same subnet exported as fp32, same agent, delegate and threads, same run");
    report.putObject("configuration").put("threads", threads).put("delegate", delegate).put("warmup_runs",
        RuntimeBench.WARMUP)
        .put("runs", RuntimeBench.RUNS).put("min_seconds", RuntimeBench.MIN_SECONDS)
        .put("calibration", Int8Calibration.MIN_IMAGES + " random images, min/max ranges");
    Machine.describe(report.putObject("machine"));
    ArrayNode rows = report.putArray("models");
    List<Double> ratios = new ArrayList<>();
    try (LocalAgent agent = LocalAgent.start(workDir.resolve("agent-cache"));
        AgentClient client = new AgentClient(agent.target())) {
      DeviceDescription d = client.describe();
      report.putObject("agent").put("runtime", d.getRuntime() + " " + d.getRuntimeVersion())
          .put("platform", d.getPlatform()).put("profile", d.getHardwareProfile());
      for (RuntimeBench.Subnet s : RuntimeBench.subnets()) {
        NetworkDescription net = new SubnetBuilder(s.space()).build(s.arch(), s.channels(), 10, 1);
        byte[] fp32 = new TfliteExporter().export(net);
        byte[] int8 = new TfliteExporter().exportForLatency(net, true);
        BenchmarkResult f = RuntimeBench.measure(client, client.ensureUploaded(fp32, s.name() + "-fp32"), threads,
            delegate);
        BenchmarkResult q = RuntimeBench.measure(client, client.ensureUploaded(int8, s.name() + "-int8"), threads,
            delegate);
        double ratio = q.getStats().getP50Ms() / f.getStats().getP50Ms();
        ratios.add(ratio);
        rows.addObject().put("model", s.name()).put("fp32_bytes", fp32.length).put("int8_bytes", int8.length)
            .put("fp32_p50_ms", f.getStats().getP50Ms()).put("int8_p50_ms", q.getStats().getP50Ms())
            .put("int8_over_fp32", ratio).put("fp32_nodes_delegated", f.getNodesDelegated() + "/" + f.getNodes())
            .put("int8_nodes_delegated", q.getNodesDelegated() + "/" + q.getNodes());
        progress.printf("%-28s fp32 %.4f ms, int8 %.4f ms (int8/fp32 %.2f; %s %d/%d nodes)%n", s.name(),
            f.getStats().getP50Ms(), q.getStats().getP50Ms(), ratio, delegate, q.getNodesDelegated(), q.getNodes());
      }
    }
    Spread.put(report.putObject("summary"), "int8_over_fp32", ratios);
    return report;
  }
}
