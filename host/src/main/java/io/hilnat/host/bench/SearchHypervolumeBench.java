package io.hilnat.host.bench;

import io.hilnat.host.engine.ComputeDevice;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.host.fleet.Fleet;
import io.hilnat.host.fleet.FleetEntry;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.job.SearchData;
import io.hilnat.host.proxy.LinearRegions;
import io.hilnat.host.proxy.NtkConditionNumber;
import io.hilnat.host.proxy.Proxies;
import io.hilnat.host.search.AccuracyEvaluator;
import io.hilnat.host.search.Archives;
import io.hilnat.host.export.TfliteExporter;
import io.hilnat.host.search.DeviceEvaluator;
import io.hilnat.host.search.Evaluator;
import io.hilnat.host.search.Hypervolumes;
import io.hilnat.host.search.Measurement;
import io.hilnat.host.search.NatSearch;
import io.hilnat.host.search.Objective;
import io.hilnat.host.search.RunStore;
import io.hilnat.host.search.SurrogateSearch;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.supernet.SubnetEvaluator;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * NAT's surrogate-assisted search against two baselines on one trained supernet (no online adaptation,
 * so all three see the same weights) with latency measured on a local agent: NAT after N real
 * evaluations, random search after 3N, NSGA-II on real evaluations after N. Hypervolume of (top-1
 * error, latency) is normalised over every point any method evaluated. Evaluations are cached by subnet,
 * so a subnet two methods both visit is measured once (its numbers do not depend on who asked).
 */
public final class SearchHypervolumeBench {

  private SearchHypervolumeBench() {}

  /** With {@code proxySeeded}, a fourth arm: NAT whose initial archive is the proxies' best of 100 random subnets. */
  public static ObjectNode run(Path supernetDir, int budget, boolean proxySeeded, Path work, PrintStream progress)
      throws Exception {
    String dataSpec = SupernetCheckpoint.metadata(supernetDir).get("data").asText();
    SearchData data = SearchData.load(dataSpec, 1000, 1.0, 1);
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode report = mapper.createObjectNode().put("benchmark", "search-hypervolume")
        .put("supernet", supernetDir.toString()).put("real_evaluations_N", budget);
    Machine.describe(report.putObject("machine"));
    try (NDManager manager = ComputeDevice.newManager(); Supernet net = SupernetCheckpoint.load(supernetDir, manager);
        LocalAgent agent = LocalAgent.start(work.resolve("agent-cache"));
        Fleet fleet = Fleet.start(List.of(new FleetEntry(agent.target(), null)), Fleet.Settings.DEFAULT)) {
      SearchSpace space = net.space();
      String device = fleet.agents().get(0).deviceKind();
      List<Objective> objectives = List.of(Objective.parse("error", null), Objective.parse("latency", device));
      SubnetEvaluator subnets = new SubnetEvaluator(data.train(), 480, 200, manager);
      Cache cache = new Cache(List.of(
          new AccuracyEvaluator("supernet", arch -> subnets.accuracy(net, arch, data.validation()), () -> -1, ""),
          new DeviceEvaluator(fleet, device, space, arch -> new TfliteExporter().export(net.extract(arch)),
              BenchmarkRequest.newBuilder().setThreads(1)
              .setWarmupRuns(5).setWarmupMinSeconds(0.1).setRuns(30).setMinSeconds(0.3).build(), false)), progress);

      int initial = Math.max(8, budget / 3);
      int iterations = Math.max(1, (budget - initial) / 6);
      int candidates = (budget - initial) / iterations;
      NatSearch.Settings settings = new NatSearch.Settings(objectives, List.of(), initial, iterations, candidates, 100,
          20, 150, 1);
      List<double[]> nat;
      try (RunStore store = RunStore.open(work.resolve("nat"))) {
        new NatSearch(space, store, cache.evaluators(), null, settings, line -> progress.println("nat: " + line)).run();
        nat = Archives.vectors(store.archive(iterations), objectives);
      }
      List<double[]> seeded = null;
      long proxyMillis = 0;
      if (proxySeeded) {
        Proxies proxies = new Proxies(space, new NtkConditionNumber(space, data.train(), 8, 1, manager),
            new LinearRegions(space, data.trainSet().channels(), data.trainSet().classes(), 400, 0.005, 1, manager));
        long start = System.nanoTime();
        try (RunStore store = RunStore.open(work.resolve("nat-proxy-seeded"))) {
          new NatSearch(space, store, cache.evaluators(), null, settings, line -> progress.println("seeded: " + line))
              .withSeeder((pool, n) -> proxies.best(pool, n, 7), 100).run();
          seeded = Archives.vectors(store.archive(iterations), objectives);
        }
        proxyMillis = (System.nanoTime() - start) / 1_000_000;
      }
      List<double[]> random = new ArrayList<>();
      Random r = new Random(2);
      Map<String, Architecture> sample = new LinkedHashMap<>();
      while (sample.size() < 3 * budget) {
        Architecture a = space.sample(r);
        sample.putIfAbsent(ArchitectureFormat.key(space, a), a);
      }
      for (Architecture a : sample.values()) {
        random.add(cache.vector(a, objectives));
      }
      progress.println("random: " + random.size() + " subnets evaluated");
      List<double[]> nsga2 = new ArrayList<>();
      List<ToDoubleFunction<int[]>> real = new ArrayList<>();
      for (Objective o : objectives) {
        real.add(genes -> {
          double[] v = cache.vector(space.decode(genes), objectives);
          if (o == objectives.get(0)) {
            nsga2.add(v);
          }
          return v[objectives.indexOf(o)];
        });
      }
      SurrogateSearch.run(space, real, List.of(), List.of(), List.of(), Math.max(4, budget / 5),
          Math.max(1, budget / Math.max(4, budget / 5) - 1), 3);
      progress.println("nsga-ii: " + nsga2.size() + " real evaluations");

      List<double[]> all = new ArrayList<>(nat);
      if (seeded != null) {
        all.addAll(seeded);
      }
      all.addAll(random);
      all.addAll(nsga2);
      double[][] bounds = bounds(all);
      report.put("normalisation", "each objective scaled by the min and max over all evaluated subnets; reference 1.0");
      report.putObject("nat").put("real_evaluations", nat.size()).put("hypervolume",
          Hypervolumes.of(nat, bounds[0], bounds[1]));
      report.putObject("random_search").put("real_evaluations", random.size()).put("hypervolume",
          Hypervolumes.of(random, bounds[0], bounds[1]));
      report.putObject("nsga2_without_surrogate").put("real_evaluations", nsga2.size()).put("hypervolume",
          Hypervolumes.of(nsga2, bounds[0], bounds[1]));
      if (seeded != null) {
        report.putObject("nat_proxy_seeded").put("real_evaluations", seeded.size())
            .put("hypervolume", Hypervolumes.of(seeded, bounds[0], bounds[1])).put("search_ms_with_proxies",
            proxyMillis);
      }
      report.put("distinct_subnets_measured", cache.size());
    }
    return report;
  }

  private static double[][] bounds(List<double[]> points) {
    int m = points.get(0).length;
    double[] min = new double[m];
    double[] max = new double[m];
    java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
    for (double[] p : points) {
      for (int j = 0; j < m; j++) {
        min[j] = Math.min(min[j], p[j]);
        max[j] = Math.max(max[j], p[j]);
      }
    }
    return new double[][] {min, max};
  }

  /** Real evaluations shared by the three methods, one per distinct subnet. */
  private static final class Cache {
    private final List<Evaluator> inner;
    private final Map<String, Map<String, Double>> values = new HashMap<>();
    private final PrintStream progress;

    Cache(List<Evaluator> inner, PrintStream progress) {
      this.inner = inner;
      this.progress = progress;
    }

    int size() {
      return values.size();
    }

    Map<String, Double> get(Architecture arch) throws Exception {
      String key = arch.toString();
      Map<String, Double> v = values.get(key);
      if (v == null) {
        v = new HashMap<>();
        for (Evaluator e : inner) {
          for (Measurement m : e.evaluate(arch)) {
            v.put(m.objective(), m.value());
          }
        }
        values.put(key, v);
        if (values.size() % 10 == 0) {
          progress.println(values.size() + " distinct subnets measured");
        }
      }
      return v;
    }

    double[] vector(Architecture arch, List<Objective> objectives) {
      try {
        return Archives.vector(get(arch), objectives);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    List<Evaluator> evaluators() {
      List<Evaluator> out = new ArrayList<>();
      for (Evaluator e : inner) {
        out.add(new Evaluator() {
          @Override
          public List<String> provides() {
            return e.provides();
          }

          @Override
          public List<Measurement> evaluate(Architecture arch) throws Exception {
            Map<String, Double> v = get(arch);
            return e.provides().stream().map(name -> new Measurement(name, v.get(name), "cache", "")).toList();
          }
        });
      }
      return out;
    }
  }
}
