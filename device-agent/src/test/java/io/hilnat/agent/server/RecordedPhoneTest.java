package io.hilnat.agent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.agent.v1.DescribeRequest;
import io.hilnat.agent.v1.DeviceAgentGrpc;
import io.hilnat.agent.v1.DeviceDescription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with the android-arm64 profile on a recorded phone's sysfs tree (no phone is reachable here):
 * Describe tells battery, governor and pinning; energy read while the battery charges is marked unusable.
 */
class RecordedPhoneTest {

  @TempDir Path cache;
  @TempDir Path tree;

  @Test
  void describeTellsBatteryGovernorAndPinning() throws Exception {
    Path root = copyOfRecordedPhone("Discharging");
    try (AgentServer server = TestAgents.start(cache, 1 << 20, null, null, null, "android-arm64", root)) {
      ManagedChannel channel = TestAgents.channel(server);
      DeviceDescription d = DeviceAgentGrpc.newBlockingStub(channel).describe(DescribeRequest.getDefaultInstance());
      assertEquals("Discharging", d.getBatteryStatus());
      // the profile's big cores are 4-7; the recording has schedutil on 4-5 and performance on 6-7
      assertEquals("cpu4-5 schedutil, cpu6-7 performance", d.getCpuGovernor());
      assertTrue(d.getCpuAffinity().contains("[4, 5, 6, 7]"), d.getCpuAffinity());
      assertEquals("android-power-supply", d.getEnergyMeter());
      channel.shutdownNow();
    }
  }

  @Test
  void energyWhileDischargingIsKeptAndWhileChargingIsMarked() throws Exception {
    Path root = copyOfRecordedPhone("Discharging");
    try (AgentServer server = TestAgents.start(cache, 1 << 20, null, null, null, "android-arm64", root)) {
      ManagedChannel channel = TestAgents.channel(server);
      var agent = DeviceAgentGrpc.newBlockingStub(channel);
      byte[] model = TestAgents.model();
      String sha = TestAgents.sha256(model);
      TestAgents.upload(DeviceAgentGrpc.newStub(channel), model, sha, model.length).get();
      BenchmarkRequest request = BenchmarkRequest.newBuilder().setSha256(sha).setRuns(10).setMinSeconds(0.1)
          .setMeasureEnergy(true).build();

      BenchmarkResult unplugged = agent.benchmark(request);
      assertEquals("Discharging", unplugged.getBatteryStatus());
      assertTrue(unplugged.hasEnergy());
      assertEquals("", unplugged.getEnergy().getInvalidReason());
      assertEquals(0, unplugged.getWarningsCount());
      assertEquals("cpu4-5 schedutil, cpu6-7 performance", unplugged.getCpuGovernor());

      Files.writeString(root.resolve("sys/class/power_supply/battery/status"), "Charging\n");
      BenchmarkResult plugged = agent.benchmark(request);
      assertEquals("Charging", plugged.getBatteryStatus());
      assertTrue(plugged.getEnergy().getInvalidReason().contains("'Charging'"), plugged.getEnergy().getInvalidReason());
      assertTrue(plugged.getWarnings(0).startsWith("energy is not the model's"), plugged.getWarnings(0));
      channel.shutdownNow();
    }
  }

  private Path copyOfRecordedPhone(String batteryStatus) throws Exception {
    Path recorded = Path.of(getClass().getResource("/sysfs/android-arm64").toURI());
    try (Stream<Path> files = Files.walk(recorded)) {
      for (Path from : (Iterable<Path>) files::iterator) {
        Path to = tree.resolve(recorded.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to);
        }
      }
    }
    Files.writeString(tree.resolve("sys/class/power_supply/battery/status"), batteryStatus + "\n");
    return tree;
  }
}
