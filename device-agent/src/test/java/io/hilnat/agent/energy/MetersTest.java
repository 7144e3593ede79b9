package io.hilnat.agent.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.agent.profile.HardwareProfile;
import io.hilnat.agent.profile.ProfileLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each meter against a recorded sysfs tree in its documented format (src/test/resources/sysfs/BOARD):
 * the boards themselves are not available here.
 */
class MetersTest {

  static Path tree(String board) throws Exception {
    return Path.of(MetersTest.class.getResource("/sysfs/" + board).toURI());
  }

  static Meters.Opened open(String profileId, Path root, CommandRunner commands) {
    HardwareProfile profile = ProfileLoader.builtIn(profileId);
    return Meters.open(profile.energy(), root, commands);
  }

  @Test
  void jetsonOrinHwmonReadsVddInAndSkipsTheSumChannel() throws Exception {
    Meters.Opened opened = open("jetson-orin-nano", tree("jetson-orin-nano"), null);
    assertEquals("ok", opened.status());
    assertEquals("ina3221-hwmon", opened.meter().kind());
    assertEquals(5072 * 1208 / 1000.0, opened.meter().powerMilliwatts(), 1e-9);
  }

  @Test
  void jetsonNanoIioReadsThePom5vInRail() throws Exception {
    Meters.Opened opened = open("jetson-nano", tree("jetson-nano"), null);
    assertEquals("ina3221-iio", opened.meter().kind());
    assertEquals(2632.0, opened.meter().powerMilliwatts(), 1e-9);
  }

  @Test
  void androidBatteryUsesTheProfilesUnitsAndSign() throws Exception {
    Meters.Opened opened = open("android-arm64", tree("android-arm64"), null);
    // -612000 µA * -1 -> 612 mA; 3.87 V -> 2368.44 mW
    assertEquals(612.0 * 3.87, opened.meter().powerMilliwatts(), 1e-6);
  }

  @Test
  void pi5PmicSumsVoltsTimesAmpsOverRails() throws Exception {
    String recorded = Files.readString(tree("raspberry-pi-5").resolve("pmic_read_adc.txt"));
    Meters.Opened opened = open("raspberry-pi-5", Path.of("/"), command -> {
      assertEquals(List.of("vcgencmd", "pmic_read_adc"), command);
      return recorded;
    });
    assertEquals("pi5-pmic", opened.meter().kind());
    assertEquals(1661.29274605, opened.meter().powerMilliwatts(), 1e-6);
  }

  @Test
  void pi5WithoutVcgencmdSaysWhy() {
    Meters.Opened opened = open("raspberry-pi-5", Path.of("/"), command -> {
      throw new IOException("Cannot run program \"vcgencmd\": error=2, No such file or directory");
    });
    assertNull(opened.meter());
    assertTrue(opened.status().contains("vcgencmd"), opened.status());
  }

  @Test
  void raplComputesPowerFromTheCounterAndHandlesWrapAround(@TempDir Path dir) throws Exception {
    Path zone = Files.createDirectories(dir.resolve("intel-rapl:0"));
    Files.writeString(zone.resolve("max_energy_range_uj"), "1000000\n");
    Files.writeString(zone.resolve("energy_uj"), "900000\n");
    AtomicLong clock = new AtomicLong(0);
    RaplMeter meter = new RaplMeter(zone, clock::get);
    assertTrue(Double.isNaN(meter.powerMilliwatts()), "the first read only primes the counter");
    clock.set(500_000_000L); // 0.5 s later the counter wrapped: 900000 -> 1000000 -> 0 -> 99999
    Files.writeString(zone.resolve("energy_uj"), "99999\n");
    // delta = 99999 + 1000000 + 1 - 900000 = 200000 µJ in 0.5 s = 400000 µW = 400 mW
    assertEquals(400.0, meter.powerMilliwatts(), 1e-9);
  }

  @Test
  void raplPermissionErrorIsReported(@TempDir Path dir) throws Exception {
    Path zone = Files.createDirectories(dir.resolve("intel-rapl:0"));
    Files.writeString(zone.resolve("max_energy_range_uj"), "1000000\n");
    Path energy = Files.writeString(zone.resolve("energy_uj"), "5\n");
    Files.setPosixFilePermissions(energy, PosixFilePermissions.fromString("---------"));
    if (Files.isReadable(energy)) {
      // root reads anything: prove the message path with the exception the JDK throws for non-root
      IOException e = assertThrows(IOException.class, () -> Sysfs.text(dir.resolve("missing")));
      assertTrue(e.getMessage().contains("missing"), e.getMessage());
      return;
    }
    IOException e = assertThrows(IOException.class, () -> new RaplMeter(zone, System::nanoTime));
    assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
  }

  @Test
  void raplOnThisRecordedTreeOpens() throws Exception {
    Meters.Opened opened = open("linux-x86_64", tree("linux-x86_64"), null);
    assertEquals("rapl", opened.meter().kind());
  }

  @Test
  void missingMeterGivesAStatusNotAnError(@TempDir Path empty) {
    Meters.Opened opened = open("linux-x86_64", empty, null);
    assertNull(opened.meter());
    assertTrue(opened.status().startsWith("rapl meter unavailable"), opened.status());
    assertEquals("the hardware profile names no energy meter", open("raspberry-pi-4", empty, null).status());
  }

  @Test
  void thermalZonesReadMillidegrees() throws Exception {
    ThermalZones all = new ThermalZones(tree("linux-x86_64").resolve("sys/class/thermal"), List.of());
    assertEquals(List.of("x86_pkg_temp", "acpitz"), all.names());
    assertEquals(47.0, all.read().get("x86_pkg_temp"), 1e-9);
    ThermalZones some = new ThermalZones(tree("linux-x86_64").resolve("sys/class/thermal"), List.of("acpitz"));
    assertEquals(List.of("acpitz"), some.names());
  }

  @Test
  void energyEstimateSubtractsIdleAndReportsUncertainty() {
    double[] idle = {1000, 1010, 990, 1000};
    double[] active = {3000, 3020, 2980, 3000, NaN()};
    EnergyEstimate e = EnergyEstimate.of(idle, active, 2.0, 100);
    assertEquals(1000, e.idlePowerMw(), 1e-9);
    assertEquals(2000, e.meanPowerAboveIdleMw(), 1e-9);
    assertEquals(2000 * 0.02, e.energyPerInferenceMj(), 1e-9); // mW * s = mJ
    assertEquals(4, e.samples());
    double se = Math.sqrt(200.0 / 3 / 4 + 800.0 / 3 / 4);
    assertEquals(se * 0.02, e.uncertaintyMj(), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> EnergyEstimate.of(new double[] {1}, active, 1, 1));
  }

  private static double NaN() {
    return Double.NaN;
  }

  @Test
  void samplerCollectsAtItsRate() throws Exception {
    EnergyMeter constant = new EnergyMeter() {
      public String kind() {
        return "constant";
      }

      public double powerMilliwatts() {
        return 42;
      }
    };
    PowerSampler sampler = new PowerSampler(constant, 200);
    Thread.sleep(100);
    double[] samples = sampler.stop();
    assertTrue(samples.length >= 2, "samples: " + samples.length);
    for (double s : samples) {
      assertEquals(42, s);
    }
  }
}
