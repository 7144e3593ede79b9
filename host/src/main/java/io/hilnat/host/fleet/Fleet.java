package io.hilnat.host.fleet;

import io.grpc.Status;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.agent.v1.DeviceDescription;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.AgentCredentials;
import io.hilnat.host.agentclient.DeviceKind;
import io.hilnat.host.agentclient.AgentException;
import io.hilnat.host.android.AgentTargets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs benchmark jobs on a pool of device agents grouped by device kind, so a search can measure many
 * candidates on several identical devices at once and survive a device dropping out.
 *
 * <p>Jobs wait in one queue per device kind; each agent has a single worker thread that takes the next job
 * of its kind when it is idle and up, so one benchmark runs per agent at a time and faster agents take more.
 * An attempt that fails because of the agent (unreachable, went away, timed out) marks the agent down and puts
 * the job back at the head of its queue for another agent of the kind, or until the health check sees one
 * come back; after {@link Settings#maxAttempts} attempts the job fails with the kind and the agents tried.
 * A request the agents reject as invalid fails at once: every agent would say the same.
 */
public final class Fleet implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

  /** Codes meaning the request itself is wrong rather than the agent. */
  private static final Set<Status.Code> JOB_FAULTS =
      Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.FAILED_PRECONDITION, Status.Code.OUT_OF_RANGE);

  /**
   * @param jobTimeout limit of one attempt (upload and benchmark) before it counts as the agent's failure
   * @param maxAttempts attempts per job before it fails
   * @param healthInterval period of the {@code describe()} health check
   */
  public record Settings(Duration jobTimeout, int maxAttempts, Duration healthInterval) {
    public static final Settings DEFAULT = new Settings(Duration.ofMinutes(10), 3, Duration.ofSeconds(5));

    public Settings {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
      }
    }
  }

  /** What the fleet knows about one agent right now. */
  public record AgentStatus(String target, String deviceKind, boolean up, boolean busy, String lastError) {}

  private final Settings settings;
  private final List<Agent> agents = new ArrayList<>();
  private final Map<String, Deque<Job>> pending = new HashMap<>();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "fleet-scheduler");
    t.setDaemon(true);
    return t;
  });
  private boolean closed;

  private Fleet(List<FleetEntry> entries, List<String> addresses, Settings settings, AgentCredentials credentials) {
    this.settings = settings;
    for (int i = 0; i < entries.size(); i++) {
      agents.add(new Agent(entries.get(i), addresses.get(i), credentials));
    }
  }

  /**
   * Describes every agent to learn its device kind and starts the health check. Unreachable agents are
   * logged and kept as down; it fails only when none answers, or when an {@code adb:} phone's agent cannot start.
   */
  public static Fleet start(List<FleetEntry> entries, Settings settings) {
    return start(entries, settings, AgentCredentials.NONE);
  }

  /** {@link #start(List, Settings)} with agents that ask for a token or speak TLS. */
  public static Fleet start(List<FleetEntry> entries, Settings settings, AgentCredentials credentials) {
    if (entries.isEmpty()) {
      throw new FleetException("the fleet has no agents: list them on the command line or in a fleet file");
    }
    // phones' agents start here, before any client exists: a phone that cannot run one stops the fleet at once
    List<String> addresses = entries.stream().map(e -> AgentTargets.resolve(e.target())).toList();
    Fleet fleet = new Fleet(entries, addresses, settings, credentials);
    ExecutorService describers = Executors.newCachedThreadPool(); // a hung agent must not delay the others
    try {
      List<CompletableFuture<Void>> checks = new ArrayList<>();
      for (Agent agent : fleet.agents) {
        checks.add(CompletableFuture.runAsync(() -> fleet.check(agent), describers));
      }
      CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).join();
    } finally {
      describers.shutdown();
    }
    if (fleet.agents.stream().noneMatch(a -> a.up)) {
      StringBuilder why = new StringBuilder("no agent of the fleet is reachable:");
      for (Agent a : fleet.agents) {
        why.append("\n  ").append(a.target).append(": ").append(a.lastError);
      }
      fleet.close();
      throw new FleetException(why.toString());
    }
    long period = settings.healthInterval().toMillis();
    fleet.scheduler.scheduleWithFixedDelay(fleet::checkAll, period, period, TimeUnit.MILLISECONDS);
    return fleet;
  }

  /**
   * Queues a benchmark of {@code model} on some agent of {@code deviceKind}; {@code template} is the request
   * without the model hash. Fails at once when the fleet has no agent of that kind at all.
   */
  public CompletableFuture<FleetResult> submit(String deviceKind, byte[] model, String name,
      BenchmarkRequest template) {
    Job job = new Job(deviceKind, model, name, template);
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the fleet is closed");
      }
      if (agents.stream().noneMatch(a -> deviceKind.equals(a.kind))) {
        job.future.completeExceptionally(new FleetException("no agent of device kind '" + deviceKind
            + "' in the fleet (kinds: " + kinds() + ")"));
        return job.future;
      }
      pending.computeIfAbsent(deviceKind, k -> new ArrayDeque<>()).addLast(job);
      dispatch();
    }
    return job.future;
  }

  public synchronized List<AgentStatus> agents() {
    return agents.stream().map(a -> new AgentStatus(a.target, a.kind, a.up, a.busy, a.lastError)).toList();
  }

  private Set<String> kinds() {
    Set<String> kinds = new TreeSet<>();
    agents.forEach(a -> {
      if (a.kind != null) {
        kinds.add(a.kind);
      }
    });
    return kinds;
  }

  /** Hands the head of each kind's queue to idle live agents of that kind. Caller holds the lock. */
  private void dispatch() {
    if (closed) {
      return;
    }
    for (Agent agent : agents) {
      Deque<Job> queue = agent.kind == null ? null : pending.get(agent.kind);
      if (agent.up && !agent.busy && queue != null && !queue.isEmpty()) {
        start(agent, queue.pollFirst());
      }
    }
  }

  private void start(Agent agent, Job job) {
    agent.busy = true;
    job.attempts++;
    job.tried.add(agent.target);
    AtomicBoolean settled = new AtomicBoolean();
    FutureTask<Void> running = new FutureTask<>(() -> attempt(agent, job, settled), null);
    job.timeout = scheduler.schedule(() -> {
      if (settled.compareAndSet(false, true)) {
        running.cancel(true); // interrupting the blocking gRPC call cancels it
        failed(agent, job, new FleetException("agent " + agent.target + " did not finish '" + job.name
            + "' within " + settings.jobTimeout().toSeconds() + " s"));
      }
    }, settings.jobTimeout().toMillis(), TimeUnit.MILLISECONDS);
    agent.worker.execute(() -> {
      try {
        running.run(); // returns at once if the timeout cancelled it before it started
      } finally {
        synchronized (this) {
          agent.busy = false;
          dispatch();
        }
      }
    });
  }

  /** One try on one agent; {@code settled} makes sure a late answer after the timeout is dropped. */
  private void attempt(Agent agent, Job job, AtomicBoolean settled) {
    try {
      String sha = agent.client.ensureUploaded(job.model, job.name);
      BenchmarkResult result = agent.client.benchmark(job.template.toBuilder().setSha256(sha).build());
      if (settled.compareAndSet(false, true)) {
        job.timeout.cancel(false);
        job.future.complete(new FleetResult(agent.target, job.kind, result, job.attempts));
      }
    } catch (AgentException e) {
      if (settled.compareAndSet(false, true)) {
        job.timeout.cancel(false);
        if (JOB_FAULTS.contains(e.code())) {
          job.future.completeExceptionally(e);
        } else {
          failed(agent, job, e);
        }
      }
    } catch (RuntimeException e) {
      if (settled.compareAndSet(false, true)) {
        job.timeout.cancel(false);
        job.future.completeExceptionally(e);
      }
    }
  }

  /** The agent failed the job: mark it down and requeue the job, or give up after the last attempt. */
  private void failed(Agent agent, Job job, RuntimeException cause) {
    FleetException failure;
    synchronized (this) {
      markDown(agent, cause.getMessage());
      if (job.attempts >= settings.maxAttempts()) {
        failure = new FleetException("benchmark '" + job.name + "' on device kind '" + job.kind + "' failed after "
            + job.attempts + " attempts on agents " + job.tried + "; last error: " + cause.getMessage(), cause);
      } else if (closed) {
        failure = new FleetException("the fleet closed before '" + job.name + "' ran", cause);
      } else {
        LOG.warn("requeueing '{}' (attempt {} of {}) after: {}", job.name, job.attempts, settings.maxAttempts(),
            cause.getMessage());
        pending.get(job.kind).addFirst(job);
        dispatch();
        return;
      }
    }
    job.future.completeExceptionally(failure); // outside the lock: callers' callbacks run here
  }

  private void checkAll() {
    for (Agent agent : agents) {
      check(agent);
    }
  }

  /** Describes the agent and marks it up (learning its kind) or down. */
  private void check(Agent agent) {
    long downs;
    synchronized (this) {
      downs = agent.downs;
    }
    DeviceDescription d;
    try {
      d = agent.client.describe();
    } catch (AgentException e) {
      synchronized (this) {
        markDown(agent, e.getMessage());
      }
      return;
    }
    synchronized (this) {
      if (agent.downs != downs) {
        return; // it failed a job while we asked: that is newer news than this answer
      }
      String kind = DeviceKind.of(d);
      if (agent.declaredKind != null && !agent.declaredKind.equals(kind) && !kind.equals(agent.kind)) {
        LOG.warn("agent {} was listed as '{}' but describes itself as '{}' ({}); using '{}'", agent.target,
            agent.declaredKind, kind, d.getDeviceId(), kind);
      }
      agent.kind = kind;
      if (!agent.up) {
        LOG.info("agent {} is up: {} ({})", agent.target, d.getDeviceId(), kind);
      }
      agent.up = true;
      agent.lastError = null;
      dispatch();
    }
  }

  private void markDown(Agent agent, String why) {
    if (agent.up || agent.lastError == null) {
      LOG.warn("agent {} is down: {}", agent.target, why);
    }
    agent.up = false;
    agent.downs++;
    agent.lastError = why;
  }

  /** Stops the health check and the workers; jobs still queued fail. */
  @Override
  public void close() {
    List<Job> unrun = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (Deque<Job> queue : pending.values()) {
        unrun.addAll(queue);
        queue.clear();
      }
    }
    for (Job job : unrun) {
      job.future.completeExceptionally(new FleetException("the fleet closed before '" + job.name + "' ran"));
    }
    scheduler.shutdownNow();
    for (Agent agent : agents) {
      agent.worker.shutdownNow();
      agent.client.close();
    }
  }

  /** One agent: its client, its single worker thread and what the fleet knows. Guarded by the fleet's lock. */
  private static final class Agent {
    final String target;
    final String declaredKind;
    final AgentClient client;
    final ExecutorService worker;
    String kind;
    boolean up;
    boolean busy;
    String lastError;
    long downs; // times marked down, so a health answer that predates a failure is ignored

    /** {@code address}: the entry's target resolved to {@code host:port}; the entry's own form names it. */
    Agent(FleetEntry entry, String address, AgentCredentials credentials) {
      this.target = entry.target();
      this.declaredKind = entry.declaredKind();
      this.kind = entry.declaredKind();
      this.client = entry.credentials(credentials).connect(address);
      this.worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fleet-agent-" + entry.target());
        t.setDaemon(true);
        return t;
      });
    }
  }

  /** A submitted benchmark; {@code attempts} and {@code tried} change only under the fleet's lock. */
  private static final class Job {
    final String kind;
    final byte[] model;
    final String name;
    final BenchmarkRequest template;
    final CompletableFuture<FleetResult> future = new CompletableFuture<>();
    final Set<String> tried = new LinkedHashSet<>();
    int attempts;
    volatile ScheduledFuture<?> timeout;

    Job(String kind, byte[] model, String name, BenchmarkRequest template) {
      this.kind = kind;
      this.model = model;
      this.name = name;
      this.template = template;
    }
  }
}
