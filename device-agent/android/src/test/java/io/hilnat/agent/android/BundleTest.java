package io.hilnat.agent.android;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** What `hilnat agent android` pushes: a dex jar ART can start, and arm64 natives beside it. */
class BundleTest {

  static final Path BUNDLE = Path.of("target/bundle");
  static final Path DEXDUMP = Path.of("/usr/bin/dexdump");

  @Test
  void dexdumpListsTheAgentButNoBoardOnlyClasses() throws Exception {
    assertTrue(Files.isExecutable(DEXDUMP), DEXDUMP + " is missing: scripts/install-deps installs Debian's dexdump");
    Process dump = new ProcessBuilder(DEXDUMP.toString(), "-l", "plain",
        BUNDLE.resolve("hilnat-agent-android.jar").toString()).redirectErrorStream(true).start();
    String listing = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(dump.waitFor(120, TimeUnit.SECONDS));
    assertTrue(listing.contains("Class descriptor  : 'Lio/hilnat/agent/android/AndroidAgentMain;'"),
        "dexdump does not list the main class");
    assertTrue(listing.contains("'Lio/hilnat/agent/core/AgentCore;'"));
    assertFalse(listing.contains("Lio/hilnat/agent/server/NettyTransport;"), "a board-only class reached the phone");
  }

  @Test
  void theJarCarriesProfilesAndJavacppPropertiesBesideTheDex() throws Exception {
    try (ZipFile jar = new ZipFile(BUNDLE.resolve("hilnat-agent-android.jar").toFile())) {
      assertTrue(jar.getEntry("classes.dex") != null);
      assertTrue(jar.getEntry("hardware-profiles/android-arm64.yaml") != null);
      assertTrue(jar.getEntry("org/bytedeco/javacpp/properties/android-arm64.properties") != null);
      assertTrue(jar.stream().noneMatch(e -> e.getName().endsWith(".class")), "class files left beside the dex");
    }
  }

  @Test
  void theNativesAreArm64Elf() throws Exception {
    for (String name : NativeLibraries.FILES) {
      try (RandomAccessFile so = new RandomAccessFile(BUNDLE.resolve("lib").resolve(name).toFile(), "r")) {
        byte[] head = new byte[20];
        so.readFully(head);
        assertEquals(0x7f, head[0]);
        assertEquals('E', head[1]);
        assertEquals(183, (head[18] & 0xff) | (head[19] & 0xff) << 8, name + " is not an AArch64 ELF"); // EM_AARCH64
      }
    }
  }
}
