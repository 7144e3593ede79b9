package io.hilnat.agent.bench;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterAllocateTensors;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterCreate;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterDelete;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterGetInputTensor;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterInvoke;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterOptionsCreate;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterOptionsDelete;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterOptionsSetNumThreads;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteModelCreateFromFile;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteModelDelete;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorByteSize;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorCopyFromBuffer;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteVersion;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.tensorflowlite.TfLiteInterpreter;
import org.bytedeco.tensorflowlite.TfLiteInterpreterOptions;
import org.bytedeco.tensorflowlite.TfLiteModel;

/**
 * The reference for the agent's own timing: TFLite's C API (which applies XNNPACK, as TFLite does by default)
 * invoked in a bare loop in a process of its own, sharing none of the agent's loading, queueing or timing
 * code. Prints one JSON line: {@code {"p50_ms":..,"mean_ms":..,"runs":..,"init_ms":..}}.
 * Usage: {@code CApiInvokeLoop MODEL.tflite THREADS WARMUP_RUNS RUNS MIN_SECONDS}.
 */
public final class CApiInvokeLoop {

  private CApiInvokeLoop() {}

  public static void main(String[] args) {
    if (args.length != 5) {
      System.err.println("usage: CApiInvokeLoop MODEL.tflite THREADS WARMUP_RUNS RUNS MIN_SECONDS");
      System.exit(2);
    }
    int threads = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    int runs = Integer.parseInt(args[3]);
    double minSeconds = Double.parseDouble(args[4]);
    long start = System.nanoTime();
    TfLiteModel model = TfLiteModelCreateFromFile(args[0]);
    if (model == null || model.isNull()) {
      System.err.println("TFLite could not read " + args[0]);
      System.exit(1);
    }
    TfLiteInterpreterOptions options = TfLiteInterpreterOptionsCreate();
    TfLiteInterpreterOptionsSetNumThreads(options, threads);
    TfLiteInterpreter interpreter = TfLiteInterpreterCreate(model, options);
    TfLiteInterpreterAllocateTensors(interpreter);
    double initMs = (System.nanoTime() - start) / 1e6;
    long bytes = TfLiteTensorByteSize(TfLiteInterpreterGetInputTensor(interpreter, 0));
    float[] input = new float[(int) (bytes / 4)];
    Random random = new Random(1);
    for (int i = 0; i < input.length; i++) {
      input[i] = random.nextFloat();
    }
    try (FloatPointer values = new FloatPointer(input)) {
      TfLiteTensorCopyFromBuffer(TfLiteInterpreterGetInputTensor(interpreter, 0), values, bytes);
    }
    for (int i = 0; i < warmup; i++) {
      TfLiteInterpreterInvoke(interpreter);
    }
    double[] ms = new double[Math.max(runs, 16)];
    int n = 0;
    long measureStart = System.nanoTime();
    while (n < runs || (System.nanoTime() - measureStart) / 1e9 < minSeconds) {
      long t = System.nanoTime();
      TfLiteInterpreterInvoke(interpreter);
      if (n == ms.length) {
        ms = Arrays.copyOf(ms, n * 2);
      }
      ms[n++] = (System.nanoTime() - t) / 1e6;
    }
    double[] sorted = Arrays.copyOf(ms, n);
    Arrays.sort(sorted);
    double p50 = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    double mean = Arrays.stream(sorted).average().orElse(0);
    System.out.printf(Locale.ROOT, "{\"p50_ms\":%.6f,\"mean_ms\":%.6f,\"runs\":%d,\"init_ms\":%.3f,"
        + "\"runtime\":\"tflite %s C API\"}%n", p50, mean, n, initMs, TfLiteVersion().getString());
    TfLiteInterpreterDelete(interpreter);
    TfLiteInterpreterOptionsDelete(options);
    TfLiteModelDelete(model);
  }
}
