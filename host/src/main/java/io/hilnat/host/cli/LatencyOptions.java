package io.hilnat.host.cli;

import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.DeviceKind;
import io.hilnat.host.export.Precision;
import io.hilnat.host.export.TfliteExporter;
import io.hilnat.host.net.NetworkDescription;
import java.util.function.Function;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What latency tables and their evaluation share: the space, the table database, and how to measure. */
public final class LatencyOptions {

  @Option(names = "--space", defaultValue = "tiny-mbv3", description = "search space (default ${DEFAULT-VALUE})")
  String space;

  @Option(names = "--db", defaultValue = "runs/latency.db", description = "table database (default ${DEFAULT-VALUE})")
  Path db;

  @Option(names = "--channels", defaultValue = "1", description = "input channels (default ${DEFAULT-VALUE})")
  int channels;

  @Option(names = "--classes", defaultValue = "10", description = "classes (default ${DEFAULT-VALUE})")
  int classes;

  @Option(names = "--runs", defaultValue = "50", description = "measured runs per benchmark (default ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--passes", defaultValue = "2", description = "passes over what is measured, each entry keeping its "
      + "fastest p50 (default ${DEFAULT-VALUE})")
  int passes;

  @Mixin DelegateOption delegate;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|int8",
      description = "export measured: fp32, or int8 calibrated on random inputs (latency does not depend on the "
          + "weights); int8 entries are kept under KIND/int8 (default ${DEFAULT-VALUE})")
  String precision;

  /** The benchmark settings of every table entry and measured subnet. */
  BenchmarkRequest request() {
    return BenchmarkRequest.newBuilder().setThreads(1).setWarmupRuns(5).setWarmupMinSeconds(0.1).setRuns(runs)
        .setMinSeconds(0.3).setDelegate(delegate.name).build();
  }

  /** The table's key for the device this agent is: its kind, and the delegate when one was asked for. */
  String device(AgentClient client) {
    return DeviceKind.tableKey(DeviceKind.of(client.describe()), delegate.name, precision);
  }

  /** How a block or subnet becomes the file measured. */
  Function<NetworkDescription, byte[]> exporter() {
    boolean int8 = Precision.isInt8(precision);
    return net -> new TfliteExporter().exportForLatency(net, int8);
  }
}
