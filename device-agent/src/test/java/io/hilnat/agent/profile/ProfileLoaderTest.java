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
    String ok = "id: b\nname: B\nruntime: tflite\ndefault_threads: 2\n";
    assertTrue(error(dir, ok.replace("default_threads: 2", "default_threads: two")).contains("'default_threads'"));
    assertTrue(error(dir, ok + "energy: {source: solar}\n").contains("'energy.source'"));
    assertTrue(error(dir, ok + "energy: {source: rapl, sample_hz: -3}\n").contains("'energy.sample_hz'"));
    assertTrue(error(dir, ok + "colour: red\n").contains("unknown field 'colour'"));
    assertTrue(error(dir, ok.replace("id: b\n", "")).contains("'id'"));
    assertTrue(error(dir, ok.replace("tflite", "onnx")).contains("'runtime'"));
    assertTrue(error(dir, ok + "affinity: [0, x]\n").contains("'affinity'"));
    assertTrue(error(dir, "id: [unclosed\n").contains("not valid YAML"));
    assertTrue(assertThrows(ProfileException.class, () -> ProfileLoader.load(dir.resolve("none.yaml")))
        .getMessage().contains("not found"));
  }
}
