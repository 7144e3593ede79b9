package io.hilnat.host.latency;

import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.agent.v1.LatencyStats;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.net.RandomNetworks;
import io.hilnat.host.space.Block;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SubnetBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Builds a device's latency table: every distinct block the space can produce (each resolution and
 * width; stem, every MBConv shape with each kernel and expand ratio, head), exported alone as a small
 * .tflite file and benchmarked on the device's agent. Entries already in the store are skipped.
 */
public final class TableBuilder {

  private TableBuilder() {}

  /** Every distinct block of the space, by key. */
  public static Map<String, Block> blocks(SearchSpace space, int inputChannels, int classes) {
    SubnetBuilder builder = new SubnetBuilder(space);
    Map<String, Block> out = new LinkedHashMap<>();
    for (int resolution : space.resolutions()) {
      for (double width : space.widths()) {
        for (int kernel : space.kernels()) {
          for (int expand : space.expandRatios()) {
            // a uniform subnet at full depth holds every position's shape: the first layer of each stage and the rest
            for (Block b : builder.blocks(space.uniform(resolution, width, space.maxDepth(), kernel, expand),
                inputChannels, classes)) {
              out.putIfAbsent(b.key(), b);
            }
          }
        }
      }
    }
    return out;
  }

  /** A block alone, as a network the exporter and the agents take. */
  public static NetworkDescription network(Block block) {
    return new NetworkDescription("block", block.in(), block.inputSize(),
        SubnetBuilder.nodes(block, new RandomNetworks(block.key().hashCode())));
  }

  /**
   * Measures the blocks the store lacks for {@code device} on {@code agent}, then makes {@code passes − 1}
   * more passes over every block keeping each block's fastest p50: on a shared or throttling device a slow
   * spell scales whole benchmarks, and a second pass minutes later rarely hits the same block. Returns how
   * many blocks were missing.
   */
  public static int build(Map<String, Block> blocks, LatencyStore store, String device, AgentClient agent,
      BenchmarkRequest template, Function<NetworkDescription, byte[]> exporter, int passes) throws Exception {
    Map<String, LatencyStore.Entry> have = store.blocks(device);
    List<Block> missing = new ArrayList<>();
    blocks.forEach((k, b) -> {
      if (!have.containsKey(k)) {
        missing.add(b);
      }
    });
    List<Block> work = new ArrayList<>(missing);
    for (int pass = 1; pass < passes; pass++) {
      work.addAll(blocks.values());
    }
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName("table " + device).setInitialMax(work.size())
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).build()) {
      for (Block b : work) {
        store.putBlock(device, agent.target(), measure(agent, network(b), b.key(), template, exporter));
        bar.step();
      }
    }
    return missing.size();
  }

  /** Exports ({@code exporter}: fp32 or int8), uploads and benchmarks one network; the entry carries {@code key}. */
  public static LatencyStore.Entry measure(AgentClient agent, NetworkDescription net, String key,
      BenchmarkRequest template, Function<NetworkDescription, byte[]> exporter) {
    String sha = agent.ensureUploaded(exporter.apply(net), "latency-" + Integer.toHexString(key.hashCode()));
    BenchmarkResult r = agent.benchmark(template.toBuilder().setSha256(sha).build());
    LatencyStats s = r.getStats();
    return new LatencyStore.Entry(key, r.getLatenciesMsCount(), s.getP50Ms(), s.getP90Ms(), s.getMeanMs(), s
        .getStdMs());
  }
}
