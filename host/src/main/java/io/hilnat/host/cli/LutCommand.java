package io.hilnat.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.latency.LatencyStore;
import io.hilnat.host.latency.TableBuilder;
import io.hilnat.host.space.Block;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hilnat lut build} and {@code hilnat lut export}: per-device latency lookup tables. */
@Command(name = "lut", mixinStandardHelpOptions = true, description = "Latency lookup tables measured on device "
    + "agents.",
    subcommands = {LutCommand.Build.class, LutCommand.Export.class})
public final class LutCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "build", mixinStandardHelpOptions = true,
      description = "Measure every block of a space on the agents (one table per device kind); resumable.")
  static final class Build implements Callable<Integer> {
    @Mixin LatencyOptions table;

    @Mixin AgentOptions agents;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter log = spec.commandLine().getOut();
      SearchSpace s = SearchSpaceLoader.load(table.space);
      Map<String, Block> blocks = TableBuilder.blocks(s, table.channels, table.classes);
      log.printf("space %s: %d distinct blocks; table %s%n", s.name(), blocks.size(), table.db);
      log.flush();
      long start = System.nanoTime();
      List<AgentClient> clients = new ArrayList<>();
      ExecutorService pool = Executors.newCachedThreadPool();
      try (LatencyStore store = LatencyStore.open(table.db)) {
        List<Future<String>> jobs = new ArrayList<>();
        java.util.Set<String> kinds = new java.util.HashSet<>();
        for (String target : agents.targets()) {
          AgentClient client = agents.connect(target);
          clients.add(client);
          String device = table.device(client);
          if (!kinds.add(device)) {
            log.printf("%s: a %s agent is already measuring; one table per device kind%n", target, device);
            continue;
          }
          // device kinds differ, so their tables are measured at the same time
          jobs.add(pool.submit(() -> {
            int measured = TableBuilder.build(blocks, store, device, client, table.request(), table.exporter(),
                table.passes);
            return String.format(Locale.ROOT, "%s (%s): %d entries were missing, %d in the table", device, target,
                measured, store.blocks(device).size());
          }));
        }
        for (Future<String> job : jobs) {
          log.println(job.get());
        }
      } finally {
        pool.shutdownNow();
        clients.forEach(AgentClient::close);
      }
      log.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - start) / 1e9);
      return 0;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write a device's table as CSV and JSON (count, p50, p90, mean, std per entry).")
  static final class Export implements Callable<Integer> {
    @Option(names = "--db", defaultValue = "runs/latency.db", description = "table database (default ${DEFAULT-VALUE})")
    Path db;

    @Option(names = "--device", description = "device id (default: every device in the table)")
    String device;

    @Option(names = "--out", defaultValue = ".", description = "folder for DEVICE.csv and DEVICE.json")
    Path out;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(db)) {
        throw new IllegalArgumentException("no table database at " + db + ": build one with ./hilnat lut build");
      }
      ObjectMapper mapper = new ObjectMapper();
      Files.createDirectories(out);
      try (LatencyStore store = LatencyStore.open(db)) {
        List<String> devices = device != null ? List.of(device) : store.devices();
        for (String d : devices) {
          Map<String, LatencyStore.Entry> entries = store.blocks(d);
          if (entries.isEmpty()) {
            throw new IllegalArgumentException("no entries for device '" + d + "'; devices: " + store.devices());
          }
          StringBuilder csv = new StringBuilder("key,count,p50_ms,p90_ms,mean_ms,std_ms\n");
          ArrayNode json = mapper.createArrayNode();
          for (LatencyStore.Entry e : entries.values()) {
            csv.append(String.format(Locale.ROOT, "%s,%d,%.5f,%.5f,%.5f,%.5f%n", e.key(), e.count(), e.p50(), e.p90(),
                e.mean(), e.std()));
            json.addObject().put("key", e.key()).put("count", e.count()).put("p50_ms", e.p50()).put("p90_ms", e.p90())
                .put("mean_ms", e.mean()).put("std_ms", e.std());
          }
          String file = d.replaceAll("[^A-Za-z0-9._-]", "_");
          Files.writeString(out.resolve(file + ".csv"), csv);
          mapper.writerWithDefaultPrettyPrinter().writeValue(out.resolve(file + ".json").toFile(), json);
          spec.commandLine().getOut().printf("%s: %d entries -> %s.csv, %s.json%n", d, entries.size(),
              out.resolve(file), out.resolve(file));
        }
      }
      return 0;
    }
  }
}
