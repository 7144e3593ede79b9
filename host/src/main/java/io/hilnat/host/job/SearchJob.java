package io.hilnat.host.job;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.DataSplit;
import io.hilnat.host.data.Datasets;
import io.hilnat.host.data.ImageSet;
import io.hilnat.host.search.DeviceEvaluator;
import io.hilnat.host.search.Evaluator;
import io.hilnat.host.search.GeneDistribution;
import io.hilnat.host.search.Limit;
import io.hilnat.host.search.NatSearch;
import io.hilnat.host.search.Objective;
import io.hilnat.host.search.RunStore;
import io.hilnat.host.search.StructureEvaluator;
import io.hilnat.host.search.SupernetAccuracyEvaluator;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.supernet.SubnetEvaluator;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import io.hilnat.host.supernet.SupernetTrainer;
import io.hilnat.host.supernet.SupernetTraining;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A NAT search run, wired: data split into train and validation, a supernet (given, or warmed up in the
 * run folder), evaluators (inherited-weight error, counts, latency on each agent), online adaptation
 * with per-iteration checkpoints, the loop, then the final stage (test accuracy of the front, .tflite
 * exports with inherited weights) and the report. Everything persists in the run folder.
 */
public final class SearchJob {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path run;
  private final PrintWriter log;

  public SearchJob(Path run, PrintWriter log) {
    this.run = run;
    this.log = log;
  }

  /** Starts a new run, or continues one when {@code options} is null and the run folder holds one. */
  public Path execute(SearchOptions given) throws Exception {
    MeterRegistry metrics = new SimpleMeterRegistry();
    try (RunStore store = RunStore.open(run)) {
      SearchOptions options = resolve(store, given);
      SearchSpace space = SearchSpaceLoader.load(options.space());
      Datasets.Splits splits = Datasets.load(options.data());
      DataSplit split = DataSplit.stratified(splits.train().labels(),
          Math.min(0.5, (double) options.validationImages() / splits.train().count()), options.seed());
      ImageSet trainSet = splits.train().subset(split.train());
      Batches train = new Batches(trainSet, trainSet);
      Batches validation = new Batches(splits.train().subset(split.validation()), trainSet);
      Batches test = new Batches(splits.test(), trainSet);
      log.printf("data %s: %d training, %d validation, %d test images, %d classes%n", options.data(),
          trainSet.count(), validation.set().count(), splits.test().count(), trainSet.classes());
      List<LocalAgent> localAgents = new ArrayList<>();
      List<AgentClient> clients = new ArrayList<>();
      try (NDManager manager = NDManager.newBaseManager()) {
        List<String> targets = new ArrayList<>(options.agents());
        if (targets.isEmpty()) {
          LocalAgent local = LocalAgent.start(run.resolve("agent-cache"));
          localAgents.add(local);
          targets.add(local.target());
          log.printf("started a local agent on %s%n", local.target());
        }
        List<String> devices = new ArrayList<>();
        for (String target : targets) {
          AgentClient client = new AgentClient(target);
          clients.add(client);
          devices.add(client.describe().getDeviceId());
        }
        List<Objective> objectives = new ArrayList<>();
        options.objectives().forEach(o -> objectives.add(Objective.parse(o, devices.get(0))));
        List<Limit> limits = new ArrayList<>();
        options.constraints().forEach(c -> limits.add(Limit.parse(c, devices.get(0))));

        Supernet net = supernet(store, options, space, trainSet, train, manager);
        int[] round = {store.lastAdaptation().map(Map.Entry::getKey).orElse(-1)};
        SubnetEvaluator subnets = new SubnetEvaluator(train, options.calibrationImages(), 200, manager);
        List<Evaluator> evaluators = new ArrayList<>();
        evaluators.add(new TimedEvaluator(new SupernetAccuracyEvaluator(net, subnets, validation, () -> round[0]),
            metrics, "supernet"));
        evaluators.add(new StructureEvaluator(space, trainSet.channels(), trainSet.classes(), objectives));
        BenchmarkRequest request = BenchmarkRequest.newBuilder().setThreads(1).setWarmupRuns(5)
            .setWarmupMinSeconds(0.1).setRuns(options.benchmarkRuns()).setMinSeconds(0.3).build();
        for (int i = 0; i < clients.size(); i++) {
          String device = devices.get(i);
          boolean measured = objectives.stream().anyMatch(o -> device.equals(o.device()));
          if (measured) {
            boolean energy = objectives.stream().anyMatch(o -> o.kind() == Objective.Kind.ENERGY
                && device.equals(o.device()));
            evaluators.add(new TimedEvaluator(new DeviceEvaluator(clients.get(i), device, space, net::extract,
                request, energy), metrics, "device"));
          }
        }
        NatSearch.Adapter adapter = (it, distribution) -> {
          Path dir = adapt(net, train, options, it, distribution);
          round[0] = it;
          return run.relativize(dir).toString();
        };
        NatSearch.Settings settings = new NatSearch.Settings(objectives, limits, options.initialSamples(),
            options.iterations(), options.candidates(), options.population(), options.generations(), 150,
            options.seed());
        new NatSearch(space, store, evaluators, adapter, settings, line -> {
          log.println(line);
          log.flush();
        }).run();
        FinalStage.run(store, space, net, subnets, test, objectives, options, run, log);
        SearchReport.write(store, space, objectives, run, metrics);
        net.close();
      } finally {
        clients.forEach(AgentClient::close);
        localAgents.forEach(LocalAgent::close);
      }
    }
    return run.resolve("report.md");
  }

  private SearchOptions resolve(RunStore store, SearchOptions given) throws Exception {
    Optional<String> stored = store.meta("options");
    if (stored.isPresent()) {
      log.printf("resuming the search in %s with its stored settings%n", run);
      return JSON.readValue(stored.get(), SearchOptions.class);
    }
    if (given == null) {
      throw new IllegalArgumentException(run + " holds no search to resume (no options in run.db); start one "
          + "without --resume");
    }
    store.putMeta("options", JSON.writeValueAsString(given));
    return given;
  }

  /** The supernet as of the last adaptation, else the given one, else one warmed up here (resumable). */
  private Supernet supernet(RunStore store, SearchOptions options, SearchSpace space, ImageSet trainSet, Batches train,
      NDManager manager) throws Exception {
    Optional<Map.Entry<Integer, String>> last = store.lastAdaptation();
    if (last.isPresent()) {
      log.printf("supernet from %s (after iteration %d)%n", last.get().getValue(), last.get().getKey());
      return SupernetCheckpoint.load(run.resolve(last.get().getValue()), manager);
    }
    if (options.supernet() != null) {
      log.printf("supernet from %s%n", options.supernet());
      return SupernetCheckpoint.load(Path.of(options.supernet()), manager);
    }
    Path warmup = run.resolve("supernet").resolve("warmup");
    Supernet net;
    long done = 0;
    if (Files.isRegularFile(warmup.resolve("supernet.json"))) {
      net = SupernetCheckpoint.load(warmup, manager);
      done = SupernetCheckpoint.metadata(warmup).get("steps").asLong();
    } else {
      net = new Supernet(space, trainSet.channels(), trainSet.classes(), manager, options.seed());
    }
    if (done < options.warmupSteps()) {
      log.printf("warming up the supernet on %s: %d sandwich steps (largest, smallest, one random) of %d images%n", options.data(),
          options.warmupSteps(), options.batch());
      log.flush();
      SupernetTrainer trainer = new SupernetTrainer(net, train, new SupernetTrainer.Config(options.batch(), 0.1, 0.9,
          3e-5, 1, 0.1, Math.max(1, options.warmupSteps() / 20), options.seed()), manager);
      SupernetTraining.run("supernet warm-up", net, trainer, trainer::sandwich, warmup, options.data(), done,
          options.warmupSteps(), 50);
    }
    return net;
  }

  /** Online transfer: fine-tunes on subnets from the archive's distribution, the largest as teacher. */
  private Path adapt(Supernet net, Batches train, SearchOptions options, int iteration, GeneDistribution distribution)
      throws Exception {
    Path dir = run.resolve("supernet").resolve(String.format("iter-%03d", iteration));
    if (options.adaptSteps() > 0) {
      SupernetTrainer trainer = new SupernetTrainer(net, train, new SupernetTrainer.Config(options.batch(), 0.02, 0.9,
          3e-5, 0, 0.1, 1, options.seed() + 1000L * (iteration + 1)), NDManager.newBaseManager());
      SupernetTraining.run("adapt " + iteration, net, trainer, random -> {
        List<Architecture> archs = new ArrayList<>(List.of(net.space().largest()));
        for (int i = 0; i < options.adaptSubnets(); i++) {
          archs.add(distribution.sample(random));
        }
        return archs;
      }, dir, options.data(), 0, options.adaptSteps(), Integer.MAX_VALUE);
    } else {
      SupernetCheckpoint.save(net, dir, options.data(), 0);
    }
    return dir;
  }
}
