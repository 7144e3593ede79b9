package io.hilnat.agent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.agent.v1.DescribeRequest;
import io.hilnat.agent.v1.DeviceAgentGrpc;
import io.hilnat.agent.v1.DeviceDescription;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole agent on a recorded Jetson Orin Nano sysfs tree (the board is not available here): the
 * meter and thermal zone are found, and a benchmark carries energy and temperatures end to end.
 */
class RecordedBoardTest {

  @TempDir Path cache;

  @Test
  void benchmarkOnARecordedJetsonCarriesEnergyAndTemperatures() throws Exception {
    Path root = Path.of(getClass().getResource("/sysfs/jetson-orin-nano").toURI());
    try (AgentServer server = TestAgents.start(cache, 1 << 20, null, null, null, "jetson-orin-nano", root)) {
      ManagedChannel channel = TestAgents.channel(server);
      var agent = DeviceAgentGrpc.newBlockingStub(channel);
      DeviceDescription d = agent.describe(DescribeRequest.getDefaultInstance());
      assertEquals("ina3221-hwmon", d.getEnergyMeter());
      assertEquals("cpu-thermal", d.getThermalZones(0));
      assertTrue(d.getCpuAffinity().startsWith("not pinned"), d.getCpuAffinity());
      assertTrue(d.getProfileOverride().contains("jetson-orin-nano") && d.getProfileOverride().contains("linux-x86_64"),
          "a board's profile on this machine is marked: " + d.getProfileOverride());
      byte[] model = TestAgents.model();
      String sha = TestAgents.sha256(model);
      TestAgents.upload(DeviceAgentGrpc.newStub(channel), model, sha, model.length).get();
      BenchmarkResult r = agent.benchmark(BenchmarkRequest.newBuilder().setSha256(sha).setRuns(20)
          .setMinSeconds(0.2).setMeasureEnergy(true).build());
      assertTrue(r.hasEnergy());
      assertEquals("ina3221-hwmon", r.getEnergy().getMeter());
      // the recorded rail does not change: idle = active = 5072 mV * 1208 mA, nothing above idle
      assertEquals(5072 * 1208 / 1000.0, r.getEnergy().getIdlePowerMw(), 1e-6);
      assertEquals(0.0, r.getEnergy().getEnergyPerInferenceMj(), 1e-9);
      assertTrue(r.getEnergy().getSamples() >= 2);
      assertEquals(51.5, r.getTemperaturesBefore(0).getCelsius(), 1e-9);
      assertEquals("cpu-thermal", r.getTemperaturesAfter(0).getZone());
      assertEquals(d.getProfileOverride(), r.getProfileOverride(), "every result carries the override");
      channel.shutdownNow();
    }
  }
}
