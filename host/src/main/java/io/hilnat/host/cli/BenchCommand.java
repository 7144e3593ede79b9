package io.hilnat.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.agent.v1.Temperature;
import io.hilnat.host.agentclient.AgentClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hilnat bench MODEL.tflite --agent A [--agent B]}: the same model on each agent, side by side. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark a .tflite file on one or more device agents (in parallel across agents).")
public final class BenchCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL.tflite") Path model;

  @Mixin AgentOptions agents;

  @Option(names = "--runs", defaultValue = "50", description = "measured runs, at least (default ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--min-seconds", defaultValue = "1.0", description = "measure for at least this long (default "
      + "${DEFAULT-VALUE})")
  double minSeconds;

  @Option(names = "--warmup", defaultValue = "10", description = "warm-up runs, at least (default ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--warmup-seconds", defaultValue = "0.5", description = "warm up for at least this long (default "
      + "${DEFAULT-VALUE})")
  double warmupSeconds;

  @Option(names = "--threads", defaultValue = "0", description = "interpreter threads; 0: the device profile's default")
  int threads;

  @Option(names = "--energy", negatable = true, defaultValue = "true", description = "measure energy where a meter "
      + "exists")
  boolean energy;

  @Option(names = "--json", description = "print JSON for scripts instead of a table")
  boolean json;

  @Mixin DelegateOption delegate;

  @Option(names = "--op-profile", description = "also time each operator (in runs of their own, after the timed "
      + "runs); the table shows the slowest, --json has them all")
  boolean opProfile;

  @Option(names = "--op-top", defaultValue = "10", description = "operators shown per agent with --op-profile "
      + "(default ${DEFAULT-VALUE})")
  int opTop;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** One agent's outcome: a result or the error that stopped it. */
  public record Outcome(String agent, BenchmarkResult result, String error) {}

  @Override
  public Integer call() throws IOException {
    if (!Files.isRegularFile(model)) {
      throw new IllegalArgumentException(model + " does not exist or is not a file");
    }
    byte[] bytes = Files.readAllBytes(model);
    BenchmarkRequest request = BenchmarkRequest.newBuilder().setRuns(runs).setMinSeconds(minSeconds)
        .setWarmupRuns(warmup).setWarmupMinSeconds(warmupSeconds).setThreads(threads).setMeasureEnergy(energy)
        .setDelegate(delegate.name).setOpProfile(opProfile).build();
    PrintWriter err = spec.commandLine().getErr();
    List<CompletableFuture<Outcome>> futures = new ArrayList<>();
    for (String target : agents.targets()) {
      futures.add(CompletableFuture.supplyAsync(() -> run(target, bytes, request, err)));
    }
    List<Outcome> outcomes = futures.stream().map(CompletableFuture::join).toList();
    if (!json) {
      err.println();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? toJson(outcomes) : table(outcomes) + opProfiles(outcomes, opTop));
    out.flush();
    return outcomes.stream().anyMatch(o -> o.error() != null) ? 1 : 0;
  }

  private Outcome run(String target, byte[] bytes, BenchmarkRequest request, PrintWriter err) {
    try (AgentClient client = agents.connect(target)) {
      String sha = client.ensureUploaded(bytes, model.getFileName().toString());
      BenchmarkResult result = client.benchmark(request.toBuilder().setSha256(sha).build(), p -> {
        if (!json && p.getPhase().equals("measure")) {
          synchronized (err) {
            err.printf("\r%s: %d/%d runs", target, p.getRunsDone(), p.getRunsTarget());
            err.flush();
          }
        }
      });
      return new Outcome(target, result, null);
    } catch (RuntimeException e) {
      return new Outcome(target, null, e.getMessage());
    }
  }

  /** A table for people: one row per agent. */
  public static String table(List<Outcome> outcomes) {
    StringBuilder s = new StringBuilder("\n");
    s.append(String.format(Locale.ROOT, "%-36s %-17s %-14s %3s %9s %9s %9s %17s %9s %9s %9s %14s %s%n",
        "agent / device", "profile", "delegate", "thr", "p50 ms", "p90 ms", "p99 ms", "mean±std ms", "init ms",
        "first ms", "peak MiB", "energy mJ/inf", "temp °C before→after"));
    for (Outcome o : outcomes) {
      if (o.error() != null) {
        s.append(String.format(Locale.ROOT, "%-36s ERROR: %s%n", o.agent(), o.error()));
        continue;
      }
      BenchmarkResult r = o.result();
      var st = r.getStats();
      String energy = !r.hasEnergy() ? "n/a" : !r.getEnergy().getInvalidReason().isEmpty() ? "invalid"
          : String.format(Locale.ROOT, "%.3f±%.3f", r.getEnergy().getEnergyPerInferenceMj(), r.getEnergy()
              .getUncertaintyMj());
      String peak = r.getMemory().getPeakKb() > 0
          ? String.format(Locale.ROOT, "%.1f", r.getMemory().getPeakKb() / 1024.0) : "n/a";
      s.append(String.format(Locale.ROOT, "%-36s %-17s %-14s %3d %9.3f %9.3f %9.3f %17s %9.1f %9.3f %9s %14s %s%n",
          o.agent() + " " + r.getDeviceId(), r.getHardwareProfile(),
          String.format(Locale.ROOT, "%s %d/%d", r.getDelegate(), r.getNodesDelegated(), r.getNodes()),
          r.getThreads(), st.getP50Ms(), st.getP90Ms(), st.getP99Ms(),
          String.format(Locale.ROOT, "%.3f±%.3f", st.getMeanMs(), st.getStdMs()), r.getInitMs(),
          r.getFirstInferenceMs(), peak, energy, temperatures(r)));
    }
    for (Outcome o : outcomes) {
      if (o.result() != null && !o.result().getProfileOverride().isEmpty()) {
        s.append("WARNING ").append(o.agent()).append(": ").append(o.result().getProfileOverride()).append('\n');
      }
      if (o.result() != null) {
        o.result().getWarningsList().forEach(w -> s.append("WARNING ").append(o.agent()).append(": ").append(w)
            .append('\n'));
      }
    }
    outcomes.stream().filter(o -> o.result() != null).findFirst().ifPresent(o ->
        s.append(String.format(Locale.ROOT, "%d measured runs per agent; %s %s; delegate: nodes it ran / the "
            + "model's; clock: %s%n", o.result().getStats().getCount(), o.result().getRuntime(),
            o.result().getRuntimeVersion(), o.result().getClock())));
    return s.toString();
  }

  /** Each agent's slowest operators, as benchmark_model's op profiling lists them. */
  static String opProfiles(List<Outcome> outcomes, int top) {
    StringBuilder s = new StringBuilder();
    for (Outcome o : outcomes) {
      if (o.result() == null || o.result().getOpProfileCount() == 0) {
        continue;
      }
      BenchmarkResult r = o.result();
      s.append(String.format(Locale.ROOT, "%nslowest operators on %s (%s, %d profiled runs):%n", o.agent(),
          r.getDelegate(), r.getOpProfileRuns()));
      s.append(String.format(Locale.ROOT, "  %5s  %-40s %-18s %10s %7s%n", "node", "operator", "kind", "avg ms", "%"));
      r.getOpProfileList().stream().sorted((a, b) -> Double.compare(b.getAvgMs(), a.getAvgMs())).limit(top)
          .forEach(e -> s.append(String.format(Locale.ROOT, "  %5d  %-40s %-18s %10.4f %6.1f%%%n", e.getNode(),
              e.getOp(), e.getKind(), e.getAvgMs(), e.getPercent())));
    }
    return s.toString();
  }

  private static String temperatures(BenchmarkResult r) {
    if (r.getTemperaturesBeforeCount() == 0) {
      return "n/a";
    }
    return r.getTemperaturesBeforeList().stream().map(Temperature::getCelsius).map(c -> String.format(Locale.ROOT,
        "%.1f", c))
        .collect(Collectors.joining("/")) + "→" + r.getTemperaturesAfterList().stream().map(Temperature::getCelsius)
        .map(c -> String.format(Locale.ROOT, "%.1f", c)).collect(Collectors.joining("/"));
  }

  /** JSON for scripts: an array with one object per agent, {@code result} in the proto's JSON form. */
  public static String toJson(List<Outcome> outcomes) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ArrayNode array = mapper.createArrayNode();
    for (Outcome o : outcomes) {
      ObjectNode node = array.addObject().put("agent", o.agent());
      if (o.error() != null) {
        node.put("error", o.error());
      } else {
        node.set("result", mapper.readTree(JsonFormat.printer().print(o.result())));
      }
    }
    return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array) + "\n";
  }
}
