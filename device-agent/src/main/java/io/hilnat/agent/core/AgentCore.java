package io.hilnat.agent.core;

import io.hilnat.agent.energy.EnergyEstimate;
import io.hilnat.agent.energy.Meters;
import io.hilnat.agent.energy.PowerSampler;
import io.hilnat.agent.energy.ThermalZones;
import io.hilnat.agent.profile.HardwareProfile;
import io.hilnat.agent.profile.Platform;
import io.hilnat.agent.runtime.Delegation;
import io.hilnat.agent.runtime.LoadedModel;
import io.hilnat.agent.runtime.ModelChecker;
import io.hilnat.agent.runtime.ModelLoadException;
import io.hilnat.agent.runtime.ModelRuntime;
import io.hilnat.agent.runtime.OpTime;
import io.hilnat.agent.runtime.RunOptions;
import io.hilnat.agent.runtime.TensorSpec;
import io.hilnat.agent.v1.BenchmarkProgress;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.agent.v1.DeviceDescription;
import io.hilnat.agent.v1.EnergyResult;
import io.hilnat.agent.v1.InferRequest;
import io.hilnat.agent.v1.InferResult;
import io.hilnat.agent.v1.LatencyStats;
import io.hilnat.agent.v1.MemoryFootprint;
import io.hilnat.agent.v1.OpProfileEntry;
import io.hilnat.agent.v1.Temperature;
import io.hilnat.agent.v1.Tensor;
import io.hilnat.agent.v1.TensorInfo;
import io.hilnat.agent.v1.UploadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The agent's work, independent of the transport: validating uploads, measuring models one at a time,
 * running inference. The gRPC service is a thin layer over this class.
 */
public final class AgentCore {

  public static final String PROTOCOL = "hilnat.agent.v1";
  public static final String VERSION = "0.1.0";
  private static final String CLOCK = "System.nanoTime (CLOCK_MONOTONIC)";
  private static final long DEFAULT_SEED = 20240607L;
  private static final double IDLE_BASELINE_SECONDS = 0.5;
  private static final int DEFAULT_OP_PROFILE_RUNS = 20;

  private final String deviceId;
  private final HardwareProfile profile;
  private final ModelRuntime runtime;
  private final ModelChecker checker;
  private final ModelCache cache;
  private final Meters.Opened meter;
  private final ThermalZones thermal;
  private final DeviceQueue queue = new DeviceQueue();
  private final AgentMetrics metrics;
  private final String affinity;
  private final String profileOverride;
  private final MemoryProbe memory = MemoryProbe.system();
  private final DeviceConditions conditions;

  /**
   * {@code profileOverride}: empty when {@code profile} is this machine's; otherwise why it runs here anyway,
   * which every description and result then carries.
   */
  public AgentCore(String deviceId, HardwareProfile profile, String profileOverride, ModelRuntime runtime,
      ModelChecker checker, ModelCache cache, Meters.Opened meter, ThermalZones thermal, AgentMetrics metrics,
      String affinity, DeviceConditions conditions) {
    this.deviceId = deviceId;
    this.profile = profile;
    this.profileOverride = profileOverride;
    this.runtime = runtime;
    this.checker = checker;
    this.cache = cache;
    this.meter = meter;
    this.thermal = thermal;
    this.metrics = metrics;
    this.affinity = affinity;
    this.conditions = conditions;
    metrics.bindQueue(queue::waiting);
  }

  public ModelCache cache() {
    return cache;
  }

  public DeviceDescription describe() {
    return DeviceDescription.newBuilder()
        .setDeviceId(deviceId)
        .setHardwareProfile(profile.id())
        .setRuntime(runtime.name())
        .setRuntimeVersion(runtime.version())
        .setCpuCores(Runtime.getRuntime().availableProcessors())
        .addAllDelegates(runtime.delegates())
        .setEnergyMeter(meter.meter() == null ? "" : meter.meter().kind())
        .setEnergyMeterStatus(meter.status())
        .addAllThermalZones(thermal.names())
        .setOs(System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .setArch(System.getProperty("os.arch"))
        .setAgentVersion(VERSION)
        .setProtocolVersion(PROTOCOL)
        .setMaxModelBytes(cache.maxModelBytes())
        .setQueueLength(queue.waiting())
        .setCpuAffinity(affinity)
        .setPlatform(Platform.current())
        .setProfileOverride(profileOverride)
        .setDefaultDelegate(profile.defaultDelegate())
        .setModelCheck(checker.describe())
        .setBatteryStatus(conditions.batteryStatus())
        .setCpuGovernor(conditions.cpuGovernor())
        .build();
  }

  /**
   * Checks the verified upload (it must load and run once with every delegate, see {@link ModelChecker}),
   * then keeps it. The check runs on the device queue: nothing else runs a model while a benchmark measures.
   */
  public UploadResult accept(ModelCache.Upload upload, String sha256, long size) throws IOException {
    Path file = upload.finish();
    List<List<TensorSpec>> specs;
    try {
      specs = queue.run(() -> {
        checker.check(file);
        try (LoadedModel model = runtime.load(file, RunOptions.of(1, profile.defaultDelegate()))) {
          return List.of(model.inputs(), model.outputs());
        }
      }).value();
    } catch (ModelLoadException e) {
      metrics.failure("invalid_model");
      throw new AgentException(AgentException.Kind.INVALID_ARGUMENT, "model rejected: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new AgentException(AgentException.Kind.INTERNAL, "model check failed: " + e.getMessage());
    }
    List<TensorSpec> inputs = specs.get(0);
    List<TensorSpec> outputs = specs.get(1);
    upload.commit();
    metrics.uploaded(size);
    return UploadResult.newBuilder().setSha256(sha256).setSizeBytes(size)
        .addAllInputs(infos(inputs)).addAllOutputs(infos(outputs)).build();
  }

  public UploadResult alreadyPresent(String sha256) throws IOException {
    Path file = cache.require(sha256);
    return UploadResult.newBuilder().setSha256(sha256).setAlreadyPresent(true).setSizeBytes(Files.size(file)).build();
  }

  private static List<TensorInfo> infos(List<TensorSpec> specs) {
    List<TensorInfo> infos = new ArrayList<>();
    for (TensorSpec s : specs) {
      TensorInfo.Builder b = TensorInfo.newBuilder().setName(s.name()).setDtype(s.dtype());
      for (int d : s.shape()) {
        b.addShape(d);
      }
      infos.add(b.build());
    }
    return infos;
  }

  /** Measures a cached model; progress goes to {@code progress} (may be a no-op). */
  public BenchmarkResult benchmark(BenchmarkRequest request, Consumer<BenchmarkProgress> progress) {
    validate(request);
    Path file = cache.require(request.getSha256());
    int threads = request.getThreads() > 0 ? request.getThreads() : profile.defaultThreads();
    progress.accept(BenchmarkProgress.newBuilder().setPhase("queued").setRunsTarget(request.getRuns()).build());
    try {
      DeviceQueue.Timed<BenchmarkResult.Builder> timed = queue.run(() -> measure(file, threads, request, progress));
      BenchmarkResult result = timed.value().setQueuedMs(timed.queuedMs()).build();
      metrics.benchmarked(result.getStats().getMeanMs() * result.getStats().getCount());
      return result;
    } catch (AgentException e) {
      metrics.failure("benchmark");
      throw e;
    } catch (Exception e) {
      metrics.failure("benchmark");
      throw new AgentException(AgentException.Kind.INTERNAL, "benchmark failed: " + e.getMessage());
    }
  }

  private void validate(BenchmarkRequest r) {
    String problem = null;
    if (r.getRuns() < 1) {
      problem = "runs must be at least 1, got " + r.getRuns();
    } else if (r.getWarmupRuns() < 0) {
      problem = "warmup_runs must not be negative, got " + r.getWarmupRuns();
    } else if (r.getMinSeconds() < 0 || r.getWarmupMinSeconds() < 0) {
      problem = "min_seconds and warmup_min_seconds must not be negative";
    } else if (r.getThreads() < 0) {
      problem = "threads must not be negative (0 means the profile's default), got " + r.getThreads();
    } else if (!runtime.delegates().contains(delegateOf(r.getDelegate()))) {
      problem = missingDelegate(r.getDelegate());
    } else if (r.getOpProfileRuns() < 0) {
      problem = "op_profile_runs must not be negative, got " + r.getOpProfileRuns();
    }
    if (problem != null) {
      throw new AgentException(AgentException.Kind.INVALID_ARGUMENT, problem);
    }
  }

  private String delegateOf(String requested) {
    return requested.isEmpty() ? profile.defaultDelegate() : requested;
  }

  private String missingDelegate(String requested) {
    return "delegate '" + delegateOf(requested) + "' is not available here (" + runtime.name() + " "
        + runtime.version() + " on " + Platform.current() + "); available: " + runtime.delegates();
  }

  private BenchmarkResult.Builder measure(Path file, int threads, BenchmarkRequest request,
      Consumer<BenchmarkProgress> progress) throws Exception {
    RunOptions options = RunOptions.of(threads, delegateOf(request.getDelegate()));
    BenchmarkResult.Builder result = BenchmarkResult.newBuilder()
        .setDeviceId(deviceId).setSha256(request.getSha256()).setThreads(threads)
        .setDelegate(options.delegate()).setRuntime(runtime.name()).setRuntimeVersion(runtime.version())
        .setPlatform(Platform.current()).setProfileOverride(profileOverride)
        .setClock(CLOCK).setHardwareProfile(profile.id()).setCpuGovernor(conditions.cpuGovernor());
    String batteryBefore = conditions.batteryStatus();
    temperatures(thermal.read(), result::addTemperaturesBefore);
    double[] idle = null;
    boolean energy = request.getMeasureEnergy() && meter.meter() != null;
    if (energy) {
      PowerSampler idleSampler = new PowerSampler(meter.meter(), profile.energy().sampleHz());
      Thread.sleep((long) (IDLE_BASELINE_SECONDS * 1000));
      idle = idleSampler.stop();
    }
    boolean peakReset = memory.resetPeak();
    long residentBefore = memory.residentKb();
    long start = System.nanoTime();
    progress.accept(phase("init", 0, request.getRuns(), start));
    float[] input;
    try (LoadedModel model = loadForRun(file, options)) {
      result.setInitMs((System.nanoTime() - start) / 1e6);
      long residentAfterInit = memory.residentKb();
      Delegation delegation = model.delegation();
      result.setNodes(delegation.nodes()).setNodesDelegated(delegation.nodesDelegated());
      input = model.inputs().get(0).randomValues(request.hasInputSeed() ? request.getInputSeed() : DEFAULT_SEED);
      model.setInput(input);
      long t = System.nanoTime();
      model.invoke();
      result.setFirstInferenceMs((System.nanoTime() - t) / 1e6);

      progress.accept(phase("warmup", 0, request.getRuns(), start));
      int warmups = 0;
      long warmupStart = System.nanoTime();
      while (warmups < request.getWarmupRuns()
          || (System.nanoTime() - warmupStart) / 1e9 < request.getWarmupMinSeconds()) {
        model.invoke();
        warmups++;
      }
      result.setWarmupRuns(warmups);

      PowerSampler sampler = energy ? new PowerSampler(meter.meter(), profile.energy().sampleHz()) : null;
      List<Double> latencies = new ArrayList<>();
      long measureStart = System.nanoTime();
      long lastProgress = measureStart;
      while (latencies.size() < request.getRuns()
          || (System.nanoTime() - measureStart) / 1e9 < request.getMinSeconds()) {
        long before = System.nanoTime();
        model.invoke();
        long after = System.nanoTime();
        latencies.add((after - before) / 1e6);
        if (after - lastProgress > 250_000_000L) {
          progress.accept(phase("measure", latencies.size(), request.getRuns(), start));
          lastProgress = after;
        }
      }
      double measuredSeconds = (System.nanoTime() - measureStart) / 1e9;
      double[] values = latencies.stream().mapToDouble(Double::doubleValue).toArray();
      for (double v : values) {
        result.addLatenciesMs(v);
      }
      LatencyStatistics s = LatencyStatistics.of(values);
      result.setStats(LatencyStats.newBuilder().setMinMs(s.min()).setP50Ms(s.p50()).setMeanMs(s.mean())
          .setP90Ms(s.p90()).setP99Ms(s.p99()).setMaxMs(s.max()).setStdMs(s.std()).setCount(s.count()));
      if (sampler != null) {
        EnergyEstimate e = EnergyEstimate.of(idle, sampler.stop(), measuredSeconds, values.length);
        result.setEnergy(EnergyResult.newBuilder().setMeter(meter.meter().kind())
            .setEnergyPerInferenceMj(e.energyPerInferenceMj()).setMeanPowerAboveIdleMw(e.meanPowerAboveIdleMw())
            .setIdlePowerMw(e.idlePowerMw()).setUncertaintyMj(e.uncertaintyMj())
            .setSampleRateHz(profile.energy().sampleHz()).setSamples(e.samples()));
      }
      // the kernel updates VmHWM lazily, so a peak read after memory was handed back can be below what was seen
      long peak = Math.max(memory.peakKb(), Math.max(residentBefore, residentAfterInit));
      result.setMemory(MemoryFootprint.newBuilder().setBeforeInitKb(residentBefore)
          .setAfterInitKb(residentAfterInit).setPeakKb(peak)
          .setSource(peakReset ? "/proc/self/status: VmRSS, and VmHWM reset before init"
              : "/proc/self/status: VmRSS, and VmHWM since the agent started (clear_refs not writable)"));
    }
    temperatures(thermal.read(), result::addTemperaturesAfter);
    judgeBattery(batteryBefore, conditions.batteryStatus(), result);
    if (request.getOpProfile()) {
      progress.accept(phase("op-profile", request.getRuns(), request.getRuns(), start));
      opProfile(file, options, input, request.getOpProfileRuns() > 0 ? request.getOpProfileRuns()
          : DEFAULT_OP_PROFILE_RUNS, result);
    }
    return result;
  }

  /**
   * A fuel gauge on external power reads the charger as well as the model, so its energy is marked unusable
   * unless the battery discharged from start to end. Rails (INA3221, RAPL) measure the board itself: only
   * reported there.
   */
  private void judgeBattery(String before, String after, BenchmarkResult.Builder result) {
    result.setBatteryStatus(before.equals(after) ? before : before + " then " + after);
    if (before.isEmpty() && after.isEmpty()) {
      return;
    }
    boolean discharging = before.equals(DeviceConditions.DISCHARGING) && after.equals(DeviceConditions.DISCHARGING);
    if (!discharging && result.hasEnergy() && result.getEnergy().getMeter().equals("android-power-supply")) {
      String reason = "the battery was '" + result.getBatteryStatus() + "', not 'Discharging': the fuel gauge "
          + "measured external (USB) power too; unplug the cable and use adb over Wi-Fi (docs/devices/android.md)";
      result.setEnergy(result.getEnergy().toBuilder().setInvalidReason(reason));
      result.addWarnings("energy is not the model's: " + reason);
    }
  }

  /**
   * Times each operator in runs of their own, after the timed runs: the profiler's per-operator callbacks
   * would otherwise slow the latencies being measured.
   */
  private void opProfile(Path file, RunOptions options, float[] input, int runs, BenchmarkResult.Builder result) {
    try (LoadedModel model = loadForRun(file, options.withOpProfiling())) {
      model.setInput(input);
      model.invoke();
      model.takeOpTimes();
      for (int i = 0; i < runs; i++) {
        model.invoke();
      }
      List<OpTime> times = model.takeOpTimes();
      double total = times.stream().mapToDouble(OpTime::totalMs).sum();
      for (OpTime t : times) {
        result.addOpProfile(OpProfileEntry.newBuilder().setNode(t.node()).setOp(t.op()).setKind(t.kind())
            .setAvgMs(t.totalMs() / runs).setPercent(total > 0 ? 100 * t.totalMs() / total : 0)
            .setCallsPerRun((int) Math.round((double) t.calls() / runs)));
      }
      result.setOpProfileRuns(runs);
    }
  }

  private LoadedModel loadForRun(Path file, RunOptions options) {
    try {
      return runtime.load(file, options);
    } catch (ModelLoadException e) {
      throw new AgentException(AgentException.Kind.FAILED_PRECONDITION, "cached model failed to load: " + e
          .getMessage());
    }
  }

  private static BenchmarkProgress phase(String phase, int done, int target, long start) {
    return BenchmarkProgress.newBuilder().setPhase(phase).setRunsDone(done).setRunsTarget(target)
        .setElapsedS((System.nanoTime() - start) / 1e9).build();
  }

  private static void temperatures(Map<String, Double> celsius, Consumer<Temperature> sink) {
    celsius.forEach((zone, c) -> sink.accept(Temperature.newBuilder().setZone(zone).setCelsius(c).build()));
  }

  /** Runs the model once per input tensor, on the device queue. */
  public InferResult infer(InferRequest request) {
    Path file = cache.require(request.getSha256());
    if (request.getInputsCount() == 0) {
      throw new AgentException(AgentException.Kind.INVALID_ARGUMENT, "no inputs given");
    }
    int threads = request.getThreads() > 0 ? request.getThreads() : profile.defaultThreads();
    if (!runtime.delegates().contains(delegateOf(request.getDelegate()))) {
      throw new AgentException(AgentException.Kind.INVALID_ARGUMENT, missingDelegate(request.getDelegate()));
    }
    try {
      return queue.run(() -> {
        InferResult.Builder out = InferResult.newBuilder();
        try (LoadedModel model = loadForRun(file, RunOptions.of(threads, delegateOf(request.getDelegate())))) {
          int expected = model.inputs().get(0).elements();
          for (int i = 0; i < request.getInputsCount(); i++) {
            Tensor input = request.getInputs(i);
            if (input.getValuesCount() != expected) {
              throw new AgentException(AgentException.Kind.INVALID_ARGUMENT, "input " + i + " has "
                  + input.getValuesCount() + " values; the model's input "
                  + java.util.Arrays.toString(model.inputs().get(0).shape()) + " takes " + expected);
            }
            float[] values = new float[expected];
            for (int j = 0; j < expected; j++) {
              values[j] = input.getValues(j);
            }
            try {
              model.setInput(values);
            } catch (IllegalArgumentException e) {
              throw new AgentException(AgentException.Kind.INVALID_ARGUMENT, "input " + i + ": " + e.getMessage());
            }
            model.invoke();
            Tensor.Builder t = Tensor.newBuilder();
            for (int d : model.outputs().get(0).shape()) {
              t.addShape(d);
            }
            for (float v : model.output()) {
              t.addValues(v);
            }
            out.addOutputs(t);
          }
        }
        return out.build();
      }).value();
    } catch (AgentException e) {
      metrics.failure("infer");
      throw e;
    } catch (Exception e) {
      metrics.failure("infer");
      throw new AgentException(AgentException.Kind.INTERNAL, "inference failed: " + e.getMessage());
    }
  }
}
