package io.hilnat.agent.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;

/** The agent's micrometer meters: what ran, what failed and why, how long the queue is. */
public final class AgentMetrics {

  private final MeterRegistry registry;
  private final Counter benchmarks;
  private final Counter uploadBytes;

  public AgentMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.benchmarks = Counter.builder("hilnat_agent_benchmarks").description("benchmarks completed").register(registry);
    this.uploadBytes = Counter.builder("hilnat_agent_upload_bytes").description("model bytes accepted")
        .register(registry);
  }

  void bindQueue(IntSupplier waiting) {
    Gauge.builder("hilnat_agent_queue_length", waiting::getAsInt)
        .description("benchmarks waiting for the device").register(registry);
  }

  void benchmarked(double measuredMs) {
    benchmarks.increment();
    registry.timer("hilnat_agent_benchmark_measured").record(java.time.Duration.ofNanos((long) (measuredMs * 1e6)));
  }

  void uploaded(long bytes) {
    uploadBytes.increment(bytes);
  }

  public void failure(String reason) {
    registry.counter("hilnat_agent_failures", "reason", reason).increment();
  }
}
