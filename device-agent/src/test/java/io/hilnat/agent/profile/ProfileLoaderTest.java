package io.hilnat.agent.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileLoaderTest {

  static final List<String> KINDS = List.of("linux-x86_64", "raspberry-pi-4", "raspberry-pi-5", "jetson-nano",
      "jetson-orin-nano", "android-arm64");

  @Test
  void everyShippedProfileLoadsFromTheRepositoryAndTheJar() {
    for (String id : KINDS) {
      HardwareProfile fromFile = ProfileLoader.load(Path.of("../hardware-profiles/" + id + ".yaml"));
      assertEquals(id, fromFile.id());
      assertEquals(fromFile, ProfileLoader.builtIn(id));
      assertTrue(fromFile.defaultThreads() >= 1);
      assertTrue(!fromFile.caveats().isEmpty(), id + " should say its caveats");
    }
    assertEquals("none", ProfileLoader.builtIn("raspberry-pi-4").energy().source());
    assertEquals(List.of(4, 5, 6, 7), ProfileLoader.builtIn("android-arm64").affinity());
    assertEquals("linux-arm64", ProfileLoader.builtIn("raspberry-pi-5").platform());
    assertEquals("xnnpack", ProfileLoader.builtIn("jetson-orin-nano").defaultDelegate());
  }

  @Test
  void aProfileOfAnotherPlatformIsRefusedUnlessTheOverrideIsAskedFor() {
    HardwareProfile pi = ProfileLoader.builtIn("raspberry-pi-5");
    ProfileException e = assertThrows(ProfileException.class,
        () -> ProfileLoader.checkPlatform(pi, "linux-x86_64", false));
    assertTrue(e.getMessage().contains("raspberry-pi-5") && e.getMessage().contains("linux-arm64")
        && e.getMessage().contains("linux-x86_64"), e.getMessage());
    String override = ProfileLoader.checkPlatform(pi, "linux-x86_64", true);
    assertTrue(override.contains("--allow-profile-mismatch") && override.contains("not raspberry-pi-5's"), override);
    assertEquals("", ProfileLoader.checkPlatform(pi, "linux-arm64", false));
  }

  @Test
  void platformNamesFollowTheJvmsProperties() {
    assertEquals("linux-x86_64", Platform.of("Linux", "amd64", "Eclipse Adoptium"));
    assertEquals("linux-arm64", Platform.of("Linux", "aarch64", "Debian"));
    assertEquals("android-arm64", Platform.of("Linux", "aarch64", "The Android Project"));
  }

  private static String error(Path dir, String yaml) throws Exception {
    Path file = dir.resolve("board.yaml");
    Files.writeString(file, yaml);
    ProfileException e = assertThrows(ProfileException.class, () -> ProfileLoader.load(file));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    return e.getMessage();
  }

  @Test
  void malformedProfilesNameTheFileAndTheField(@TempDir Path dir) throws Exception {
    String ok = "id: b\nname: B\nplatform: linux-arm64\nruntime: tflite\ndefault_threads: 2\n"
        + "delegates: [cpu, xnnpack]\ndefault_delegate: xnnpack\n";
    assertTrue(error(dir, ok.replace("default_threads: 2", "default_threads: two")).contains("'default_threads'"));
    assertTrue(error(dir, ok + "energy: {source: solar}\n").contains("'energy.source'"));
    assertTrue(error(dir, ok + "energy: {source: rapl, sample_hz: -3}\n").contains("'energy.sample_hz'"));
    assertTrue(error(dir, ok + "colour: red\n").contains("unknown field 'colour'"));
    assertTrue(error(dir, ok.replace("id: b\n", "")).contains("'id'"));
    assertTrue(error(dir, ok.replace("tflite", "onnx")).contains("'runtime'"));
    assertTrue(error(dir, ok + "affinity: [0, x]\n").contains("'affinity'"));
    assertTrue(error(dir, "id: [unclosed\n").contains("not valid YAML"));
    assertTrue(error(dir, ok.replace("linux-arm64", "risc-v")).contains("'platform'"));
    assertTrue(error(dir, ok.replace("default_delegate: xnnpack", "default_delegate: gpu"))
        .contains("'default_delegate'"));
    assertTrue(assertThrows(ProfileException.class, () -> ProfileLoader.load(dir.resolve("none.yaml")))
        .getMessage().contains("not found"));
  }
}
