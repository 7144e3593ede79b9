package io.hilnat.agent.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorflowlite.TfLiteTelemetryProfilerStruct;
import org.bytedeco.tensorflowlite.TfLiteTelemetryProfilerStruct.ReportBeginOpInvokeEvent_TfLiteTelemetryProfilerStruct_BytePointer_long_long;
import org.bytedeco.tensorflowlite.TfLiteTelemetryProfilerStruct.ReportEndOpInvokeEvent_TfLiteTelemetryProfilerStruct_int;
import org.bytedeco.tensorflowlite.TfLiteTelemetryProfilerStruct.ReportOpInvokeEvent_TfLiteTelemetryProfilerStruct_BytePointer_long_long_long;
import org.bytedeco.tensorflowlite.TfLiteTelemetryProfilerStruct.ReportSettings_TfLiteTelemetryProfilerStruct_BytePointer_TfLiteTelemetrySettings;
import org.bytedeco.tensorflowlite.TfLiteTelemetryProfilerStruct.ReportTelemetryEvent_TfLiteTelemetryProfilerStruct_BytePointer_long;
import org.bytedeco.tensorflowlite.TfLiteTelemetryProfilerStruct.ReportTelemetryOpEvent_TfLiteTelemetryProfilerStruct_BytePointer_long_long_long;
import org.bytedeco.tensorflowlite.TfLiteTelemetrySettings;

/**
 * Per-operator times from TFLite's telemetry profiler hooks: builtin kernels report begin and end of each
 * node (timed here), a delegate reports its own operators with their elapsed times (XNNPACK does, in
 * microseconds), so an XNNPACK profile shows XNNPACK's operators rather than one opaque delegate node.
 */
final class OpTimer {

  private record Key(long subgraph, long node, String op, String kind) {}

  private final String delegateKind;
  private final Map<Key, double[]> totals = new LinkedHashMap<>();
  private final List<Key> handles = new ArrayList<>();
  private final Map<Key, Integer> handleOf = new LinkedHashMap<>();
  private long[] started = new long[16];
  private final TfLiteTelemetryProfilerStruct callbacks = new TfLiteTelemetryProfilerStruct();
  // the native side holds only raw pointers to the callbacks: this list keeps them from being collected
  private final List<Object> keptAlive;

  OpTimer(String delegate) {
    this.delegateKind = "delegate:" + delegate;
    var onBegin = new ReportBeginOpInvokeEvent_TfLiteTelemetryProfilerStruct_BytePointer_long_long() {
      @Override
      public int call(TfLiteTelemetryProfilerStruct profiler, BytePointer name, long node, long subgraph) {
        int handle = handle(new Key(subgraph, node, string(name), "builtin"));
        started[handle] = System.nanoTime();
        return handle;
      }
    };
    var onEnd = new ReportEndOpInvokeEvent_TfLiteTelemetryProfilerStruct_int() {
      @Override
      public void call(TfLiteTelemetryProfilerStruct profiler, int handle) {
        if (handle >= 0 && handle < handles.size()) {
          add(handles.get(handle), (System.nanoTime() - started[handle]) / 1e6);
        }
      }
    };
    var onReported = new ReportOpInvokeEvent_TfLiteTelemetryProfilerStruct_BytePointer_long_long_long() {
      @Override
      public void call(TfLiteTelemetryProfilerStruct profiler, BytePointer name, long elapsedMicros, long node,
          long subgraph) {
        add(new Key(subgraph, node, string(name), delegateKind), elapsedMicros / 1e3);
      }
    };
    // TFLite calls every hook it is given a pointer to: the others get no-ops rather than null
    var onEvent = new ReportTelemetryEvent_TfLiteTelemetryProfilerStruct_BytePointer_long() {
      @Override
      public void call(TfLiteTelemetryProfilerStruct profiler, BytePointer name, long status) {}
    };
    var onOpEvent = new ReportTelemetryOpEvent_TfLiteTelemetryProfilerStruct_BytePointer_long_long_long() {
      @Override
      public void call(TfLiteTelemetryProfilerStruct profiler, BytePointer name, long node, long subgraph,
          long status) {}
    };
    var onSettings = new ReportSettings_TfLiteTelemetryProfilerStruct_BytePointer_TfLiteTelemetrySettings() {
      @Override
      public void call(TfLiteTelemetryProfilerStruct profiler, BytePointer name, TfLiteTelemetrySettings s) {}
    };
    callbacks.ReportBeginOpInvokeEvent(onBegin);
    callbacks.ReportEndOpInvokeEvent(onEnd);
    callbacks.ReportOpInvokeEvent(onReported);
    callbacks.ReportTelemetryEvent(onEvent);
    callbacks.ReportTelemetryOpEvent(onOpEvent);
    callbacks.ReportSettings(onSettings);
    keptAlive = List.of(onBegin, onEnd, onReported, onEvent, onOpEvent, onSettings);
  }

  TfLiteTelemetryProfilerStruct callbacks() {
    return callbacks;
  }

  private static String string(BytePointer name) {
    return name == null || name.isNull() ? "?" : name.getString();
  }

  private synchronized int handle(Key key) {
    Integer h = handleOf.get(key);
    if (h == null) {
      h = handles.size();
      handles.add(key);
      handleOf.put(key, h);
      if (h >= started.length) {
        started = java.util.Arrays.copyOf(started, started.length * 2);
      }
    }
    return h;
  }

  private synchronized void add(Key key, double ms) {
    double[] t = totals.computeIfAbsent(key, k -> new double[2]);
    t[0] += ms;
    t[1]++;
  }

  /** The times summed since the last call, and a fresh start. */
  synchronized List<OpTime> take() {
    List<OpTime> times = new ArrayList<>();
    totals.forEach((k, t) -> times.add(new OpTime((int) k.node(), k.op(), k.kind(), t[0], (int) t[1])));
    totals.clear();
    return times;
  }
}
