package io.hilnat.host.search;

import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.stats.KendallTau;
import io.hilnat.host.surrogate.AdaptiveSwitching;
import io.hilnat.host.surrogate.Surrogate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * NAT's loop. Iteration 0 evaluates an initial archive (smallest, largest, random subnets) for real; each
 * later iteration fits a surrogate per expensive objective by adaptive switching, searches the surrogates
 * with NSGA-II/III, evaluates a spread subset of the predicted front for real, and after every iteration
 * the {@link Adapter} fine-tunes the weights on subnets drawn from the archive's best (online transfer).
 *
 * <p>Every step reads the {@link RunStore} first and writes it before moving on, so running the same
 * search again over the same store continues where a killed one stopped.
 */
public final class NatSearch {

  /** How the search runs. {@code candidates} real evaluations per iteration after the initial archive. */
  public record Settings(List<Objective> objectives, List<Limit> limits, int initialSamples, int iterations,
      int candidates, int population, int generations, int adaptationArchive, long seed) {}

  /** Surrogates that compete with the generic ones for an objective (e.g. a device's latency table). */
  private final Map<String, List<Supplier<Surrogate>>> extraSurrogates = new HashMap<>();

  /** Online transfer: adapts the evaluators' weights towards the distribution; returns the checkpoint it saved. */
  public interface Adapter {
    String adapt(int iteration, GeneDistribution distribution) throws Exception;
  }

  private final SearchSpace space;
  private final RunStore store;
  private final List<Evaluator> evaluators;
  private final Adapter adapter;
  private final Settings settings;
  private final Consumer<String> log;
  private final Map<String, Map<String, Double>> exactCache = new HashMap<>();

  public NatSearch(SearchSpace space, RunStore store, List<Evaluator> evaluators, Adapter adapter, Settings settings,
      Consumer<String> log) {
    this.space = space;
    this.store = store;
    this.evaluators = evaluators;
    this.adapter = adapter;
    this.settings = settings;
    this.log = log;
    Set<String> provided = new LinkedHashSet<>();
    evaluators.forEach(e -> provided.addAll(e.provides()));
    for (Objective o : settings.objectives()) {
      if (!provided.contains(o.name())) {
        throw new IllegalArgumentException("no evaluator measures objective '" + o.name() + "'; have " + provided);
      }
    }
    for (Limit l : settings.limits()) {
      if (settings.objectives().stream().noneMatch(o -> o.equals(l.objective())) && l.objective().expensive()) {
        throw new IllegalArgumentException("constraint " + l + " bounds an objective the search does not measure; "
            + "add " + l.objective().name() + " to the objectives");
      }
    }
  }

  /**
   * Picks the initial archive's subnets (besides smallest and largest) from a random pool by a cheap score,
   * e.g. training-free proxies (lower is better), instead of taking the pool's first subnets.
   */
  public interface Seeder {
    List<Architecture> choose(List<Architecture> pool, int n);
  }

  private Seeder seeder;
  private int seedPool;

  /** Seeds the initial archive with {@code seeder}'s choice out of {@code pool} random subnets. */
  public NatSearch withSeeder(Seeder seeder, int pool) {
    this.seeder = seeder;
    this.seedPool = pool;
    return this;
  }

  /** Whether iteration {@code iteration} may start, given how long the last one took (0 when unknown). */
  public interface Gate {
    boolean mayStart(int iteration, double lastIterationSeconds) throws Exception;
  }

  /** Run-store key of the last iteration of a search its {@link Gate} stopped early. */
  public static final String STOPPED_AFTER = "stopped_after_iteration";
  /** Random draws or mutations tried per subnet wanted before a space counts as exhausted. */
  static final int DRAWS_PER_SUBNET = 200;

  private Gate gate = (iteration, last) -> true;

  /**
   * Asks {@code gate} before planning each iteration after the initial archive (a time limit, say); a refusal
   * ends the search there for good, also for a resumed run. An iteration already planned always completes.
   */
  public NatSearch withGate(Gate gate) {
    this.gate = gate;
    return this;
  }

  /** Adds a candidate surrogate for {@code objective} to adaptive switching. */
  public NatSearch withSurrogate(String objective, Supplier<Surrogate> surrogate) {
    extraSurrogates.computeIfAbsent(objective, k -> new ArrayList<>()).add(surrogate);
    return this;
  }

  /** Runs (or resumes) every iteration, up to the last one or to where the gate stopped the search. */
  public void run() throws Exception {
    int start = store.lastAdaptation().map(e -> e.getKey() + 1).orElse(0);
    int last = store.meta(STOPPED_AFTER).map(Integer::parseInt).orElse(settings.iterations());
    double lastSeconds = 0;
    for (int it = start; it <= last; it++) {
      long began = System.nanoTime();
      List<RunStore.Candidate> candidates = store.planned(it);
      if (candidates.isEmpty()) {
        if (it > 0 && !gate.mayStart(it, lastSeconds)) {
          store.putMeta(STOPPED_AFTER, Integer.toString(it - 1));
          log.accept(String.format("iteration %d: not started, the time limit leaves no room for it and the final "
              + "stage (the last iteration took %.0f s); the search ends after iteration %d of %d", it, lastSeconds,
              it - 1, settings.iterations()));
          return;
        }
        candidates = it == 0 ? initial() : plan(it);
        store.plan(it, candidates);
      } else {
        log.accept(String.format("iteration %d: resuming with %d planned candidates", it, candidates.size()));
      }
      evaluate(it, candidates);
      if (it > 0) {
        scoreSurrogates(it, candidates);
      }
      if (adapter != null) {
        GeneDistribution distribution = new GeneDistribution(space, best(store.archive(it), settings
            .adaptationArchive()));
        String checkpoint = adapter.adapt(it, distribution);
        store.recordAdaptation(it, checkpoint);
      }
      lastSeconds = (System.nanoTime() - began) / 1e9;
    }
  }

  private List<RunStore.Candidate> initial() {
    Map<String, Architecture> archs = new LinkedHashMap<>();
    archs.put(ArchitectureFormat.key(space, space.smallest()), space.smallest());
    archs.put(ArchitectureFormat.key(space, space.largest()), space.largest());
    Random random = new Random(settings.seed());
    int wanted = settings.initialSamples() - archs.size();
    Map<String, Architecture> pool = new LinkedHashMap<>();
    int goal = seeder == null ? wanted : Math.max(wanted, seedPool);
    // a small space may hold fewer new subnets than asked for: draws are bounded, not the pool's size
    for (long draws = 0; pool.size() < goal && draws < DRAWS_PER_SUBNET * (long) goal; draws++) {
      Architecture a = space.sample(random);
      String k = ArchitectureFormat.key(space, a);
      if (!archs.containsKey(k)) {
        pool.putIfAbsent(k, a);
      }
    }
    if (pool.size() < goal) {
      log.accept(String.format("iteration 0: %d random draws found only %d new subnets of the %d asked for: the "
          + "space is nearly exhausted", DRAWS_PER_SUBNET * (long) goal, pool.size(), goal));
    }
    List<Architecture> chosen = seeder == null ? new ArrayList<>(pool.values())
        : seeder.choose(new ArrayList<>(pool.values()), Math.min(wanted, pool.size()));
    chosen.forEach(a -> archs.put(ArchitectureFormat.key(space, a), a));
    String origin = seeder == null ? "initial" : "initial (seeded)";
    List<RunStore.Candidate> out = new ArrayList<>();
    archs.keySet().forEach(k -> out.add(new RunStore.Candidate(0, k, origin, Map.of())));
    log.accept(String.format("iteration 0: initial archive of %d subnets (smallest, largest, %s)", out.size(),
        seeder == null ? "random" : "the best of " + pool.size() + " random by the seeder"));
    return out;
  }

  /** Surrogates on the archive, NSGA search on them, and a spread subset of the predicted front. */
  private List<RunStore.Candidate> plan(int it) throws Exception {
    Map<String, Map<String, Double>> archive = Archives.complete(store.archive(it - 1), settings.objectives());
    List<String> keys = new ArrayList<>(archive.keySet());
    double[][] x = new double[keys.size()][];
    for (int i = 0; i < keys.size(); i++) {
      x[i] = toDoubles(genes(keys.get(i)));
    }
    List<ToDoubleFunction<int[]>> predictors = new ArrayList<>();
    for (Objective o : settings.objectives()) {
      predictors.add(o.expensive() ? fit(it, o, keys, x, archive) : g -> exact(g, o.name()));
    }
    List<ToDoubleFunction<int[]>> limited = new ArrayList<>();
    for (Limit l : settings.limits()) {
      int index = settings.objectives().indexOf(l.objective());
      limited.add(index >= 0 ? predictors.get(index) : g -> exact(g, l.objective().name()));
    }
    List<SurrogateSearch.Point> front = SurrogateSearch.run(space, predictors, settings.limits(), limited,
        best(archive, archive.size()), settings.population(), settings.generations(), settings.seed() + it);
    List<SurrogateSearch.Point> fresh = new ArrayList<>();
    for (SurrogateSearch.Point p : front) {
      if (!archive.containsKey(key(p.genes()))) {
        fresh.add(p);
      }
    }
    List<double[]> archiveFront = Archives.front(archive, settings.objectives()).stream()
        .map(k -> Archives.vector(archive.get(k), settings.objectives())).toList();
    List<double[]> predicted = fresh.stream().map(SurrogateSearch.Point::objectives).toList();
    List<RunStore.Candidate> out = new ArrayList<>();
    for (int i : SubsetSelection.spread(predicted, archiveFront, settings.candidates())) {
      Map<String, Double> values = new LinkedHashMap<>();
      for (int k = 0; k < settings.objectives().size(); k++) {
        values.put(settings.objectives().get(k).name(), fresh.get(i).objectives()[k]);
      }
      out.add(new RunStore.Candidate(it, key(fresh.get(i).genes()), "surrogate front", values));
    }
    Random random = new Random(settings.seed() * 31 + it);
    List<int[]> parents = best(archive, Math.max(1, archive.size() / 4));
    int attempts = 0;
    while (out.size() < settings.candidates() && attempts++ < DRAWS_PER_SUBNET * settings.candidates()) {
      // the predicted front had too few new subnets: mutate good ones, as the evolutionary search would
      int[] parent = parents.get(random.nextInt(parents.size()));
      List<Architecture> neighbours = space.neighbours(space.decode(parent));
      String k = ArchitectureFormat.key(space, neighbours.get(random.nextInt(neighbours.size())));
      if (!archive.containsKey(k) && out.stream().noneMatch(c -> c.archKey().equals(k))) {
        out.add(new RunStore.Candidate(it, k, "mutation", Map.of()));
      }
    }
    log.accept(String.format("iteration %d: %d subnets on the surrogate front, %d new; evaluating %d%s", it,
        front.size(), fresh.size(), out.size(), out.size() < settings.candidates()
            ? " (fewer than " + settings.candidates() + ": mutations of the best found no other new subnet)" : ""));
    return out;
  }

  private ToDoubleFunction<int[]> fit(int it, Objective o, List<String> keys, double[][] x,
      Map<String, Map<String, Double>> archive) throws Exception {
    double[] y = keys.stream().mapToDouble(k -> archive.get(k).get(o.name())).toArray();
    // NAT's 10 folds, fewer while the archive is small: a fold of two subnets can only score tau = +-1
    int folds = Math.max(2, Math.min(10, x.length / 4));
    List<Supplier<Surrogate>> candidates = new ArrayList<>(AdaptiveSwitching.defaults(settings.seed() + it));
    candidates.addAll(extraSurrogates.getOrDefault(o.name(), List.of()));
    AdaptiveSwitching.Choice choice = AdaptiveSwitching.select(x, y, candidates, folds, settings.seed() + it);
    StringBuilder scores = new StringBuilder("{");
    choice.scores().forEach((name, s) -> scores.append(scores.length() > 1 ? "," : "")
        .append(String.format(java.util.Locale.ROOT, "\"%s\":[%.4f,%.4f]", name, s[0], s[1])));
    store.recordSurrogate(new RunStore.SurrogateChoice(it, o.name(), choice.name(), choice.meanTau(), choice.stdTau(),
        scores.append("}").toString(), null));
    log.accept(String.format(java.util.Locale.ROOT, "iteration %d: %s surrogate %s (%d-fold tau %.3f +- %.3f)", it,
        o.name(), choice.name(), folds, choice.meanTau(), choice.stdTau()));
    Surrogate fitted = choice.fitted();
    return g -> fitted.predict(toDoubles(g));
  }

  /** Kendall τ between what the surrogates predicted for this iteration's candidates and what was measured. */
  private void scoreSurrogates(int it, List<RunStore.Candidate> candidates) throws Exception {
    Map<String, Map<String, Double>> real = store.archive(it);
    for (RunStore.SurrogateChoice c : store.surrogates()) {
      if (c.iteration() != it) {
        continue;
      }
      List<double[]> pairs = new ArrayList<>();
      for (RunStore.Candidate cand : candidates) {
        Double p = cand.predicted().get(c.objective());
        Double r = real.getOrDefault(cand.archKey(), Map.of()).get(c.objective());
        if (p != null && r != null) {
          pairs.add(new double[] {p, r});
        }
      }
      if (pairs.size() >= 2) {
        double tau = KendallTau.of(pairs.stream().mapToDouble(q -> q[0]).toArray(),
            pairs.stream().mapToDouble(q -> q[1]).toArray());
        store.recordSurrogate(new RunStore.SurrogateChoice(it, c.objective(), c.model(), c.cvMeanTau(), c.cvStdTau(),
            c.scores(), tau));
      }
    }
  }

  private void evaluate(int it, List<RunStore.Candidate> candidates) throws Exception {
    // evaluator by evaluator, each over the whole batch: a fleet then measures the batch on all its agents at once
    for (Evaluator e : evaluators) {
      List<String> missing = new ArrayList<>();
      for (RunStore.Candidate c : candidates) {
        if (!store.hasAll(it, c.archKey(), e.provides())) {
          missing.add(c.archKey());
        }
      }
      List<Architecture> archs = missing.stream().map(k -> space.decode(genes(k))).toList();
      e.evaluateAll(archs, (i, values) -> store.record(it, missing.get(i), values));
    }
    int done = 0;
    for (RunStore.Candidate c : candidates) {
      done++;
      Map<String, Double> values = store.archive(it).get(c.archKey());
      StringBuilder line = new StringBuilder(String.format("iteration %d [%d/%d] %s:", it, done, candidates.size(),
          c.archKey()));
      for (Objective o : settings.objectives()) {
        line.append(String.format(java.util.Locale.ROOT, " %s %.3f", o.name(), o.display(values.get(o.name()))));
      }
      log.accept(line.toString());
    }
  }

  /** Genes of the {@code n} best archive members, by how many others dominate them. */
  private List<int[]> best(Map<String, Map<String, Double>> archive, int n) {
    List<String> keys = new ArrayList<>(Archives.complete(archive, settings.objectives()).keySet());
    List<double[]> points = Archives.vectors(archive, settings.objectives());
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      order.add(i);
    }
    int[] rank = new int[keys.size()];
    for (int i = 0; i < rank.length; i++) {
      rank[i] = Pareto.dominatedBy(points, i);
    }
    order.sort(Comparator.comparingInt(i -> rank[i]));
    return order.subList(0, Math.min(n, order.size())).stream().map(i -> genes(keys.get(i))).toList();
  }

  /** MAdds and parameters: cheap to compute exactly, so the inner search uses the real values. */
  private double exact(int[] genes, String objective) {
    return exactCache.computeIfAbsent(key(genes), k -> new HashMap<>()).computeIfAbsent(objective, name -> {
      Evaluator e = evaluators.stream().filter(ev -> ev.provides().contains(name)).findFirst().orElseThrow();
      try {
        return e.evaluate(space.decode(genes)).stream().filter(m -> m.objective().equals(name)).findFirst()
            .orElseThrow().value();
      } catch (Exception ex) {
        throw new IllegalStateException("cannot compute " + name + ": " + ex.getMessage(), ex);
      }
    });
  }

  private String key(int[] genes) {
    return ArchitectureFormat.key(space, space.decode(genes));
  }

  private int[] genes(String key) {
    return space.encode(ArchitectureFormat.parse(space, key));
  }

  private static double[] toDoubles(int[] genes) {
    double[] out = new double[genes.length];
    for (int i = 0; i < genes.length; i++) {
      out[i] = genes[i];
    }
    return out;
  }
}
