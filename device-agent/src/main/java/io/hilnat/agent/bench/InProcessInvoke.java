package io.hilnat.agent.bench;

import io.hilnat.agent.core.LatencyStatistics;
import io.hilnat.agent.runtime.LoadedModel;
import io.hilnat.agent.runtime.TfliteRuntime;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * The reference for the agent's overhead: a model invoked directly in this process, with no gRPC and
 * no queue. Prints one JSON line: {@code {"p50_ms":..,"mean_ms":..,"runs":..,"init_ms":..}}.
 * Usage: {@code InProcessInvoke MODEL.tflite THREADS WARMUP_RUNS RUNS MIN_SECONDS}: measures until both
 * RUNS runs and MIN_SECONDS have passed, as the agent does.
 */
public final class InProcessInvoke {

  private InProcessInvoke() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: InProcessInvoke MODEL.tflite THREADS WARMUP_RUNS RUNS MIN_SECONDS");
      System.exit(2);
    }
    int threads = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    int runs = Integer.parseInt(args[3]);
    double minSeconds = Double.parseDouble(args[4]);
    TfliteRuntime runtime = new TfliteRuntime();
    long start = System.nanoTime();
    try (LoadedModel model = runtime.load(Path.of(args[0]), threads)) {
      double initMs = (System.nanoTime() - start) / 1e6;
      float[] input = new float[model.inputs().get(0).elements()];
      Random random = new Random(1);
      for (int i = 0; i < input.length; i++) {
        input[i] = random.nextFloat();
      }
      model.setInput(input);
      for (int i = 0; i < warmup; i++) {
        model.invoke();
      }
      java.util.List<Double> latencies = new java.util.ArrayList<>();
      long measureStart = System.nanoTime();
      while (latencies.size() < runs || (System.nanoTime() - measureStart) / 1e9 < minSeconds) {
        long t = System.nanoTime();
        model.invoke();
        latencies.add((System.nanoTime() - t) / 1e6);
      }
      LatencyStatistics s = LatencyStatistics.of(latencies.stream().mapToDouble(Double::doubleValue).toArray());
      System.out.printf(Locale.ROOT, "{\"p50_ms\":%.6f,\"mean_ms\":%.6f,\"std_ms\":%.6f,\"runs\":%d,\"init_ms\":%.3f}%n",
          s.p50(), s.mean(), s.std(), s.count(), initMs);
    }
  }
}
