package io.hilnat.host.android;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.host.cli.HilnatMain;
import io.hilnat.host.fleet.Fleet;
import io.hilnat.host.fleet.FleetEntry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/** {@code adb:} where agent addresses are taken: commands, fleets, and with the real adb and no phone. */
class AgentTargetsTest {

  @Test
  void hostPortIsItsOwnAddress() {
    assertEquals("10.0.0.5:50051", AgentTargets.resolve("10.0.0.5:50051"));
  }

  @Test
  void fleetEntriesNamePhones() {
    assertEquals(new FleetEntry("adb:R58M123", "android-arm64"), FleetEntry.parse("adb:R58M123 android-arm64"));
    assertEquals(new FleetEntry("adb:", null), FleetEntry.parse("adb:"));
    assertEquals(new FleetEntry("adb:192.168.1.7:5555", null), FleetEntry.parse("adb:192.168.1.7:5555"));
  }

  @Test
  void commandsAndFleetsShareOnePhoneAgentAndTalkToIt() throws Exception {
    // not a @TempDir: the started agent stays cached for this JVM, and its cleanup at exit runs the stand-in
    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()),
        "android-targets");
    FakeAdb fake = new FakeAdb(dir);
    // the phone's stand-in runs the Android agent's own classes (those D8 turned into the bundle's classes.dex) in
    // a JVM, with this machine's TFLite natives where the phone's would be: version check, ready lines and gRPC
    // are the phone's; ART, bionic and the arm64 natives are not
    Path bundle = PhoneAgent.bundle();
    Path androidTarget = bundle.getParent();
    assertTrue(Files.isRegularFile(bundle.resolve(PhoneAgent.JAR)), bundle + " has no agent: build it first (mvn "
        + "-DskipTests package)");
    Path natives = Files.createDirectories(dir.resolve("x86-lib"));
    try (Stream<Path> found = Files.walk(androidTarget.resolve("jvm-natives"))) {
      for (Path so : (Iterable<Path>) found.filter(p -> p.toString().endsWith(".so"))::iterator) {
        Files.copy(so, natives.resolve(so.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    // the jars the Android build handed D8, as it wrote them down
    String classPath = Files.readString(androidTarget.resolve("dex-work/dex-inputs.classpath")).strip();
    fake.set("DEVICES", "GLUE1\tdevice").set("AGENT", "CLASSPATH='" + bundle.resolve(PhoneAgent.JAR)
        + "' exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -Xmx512m -cp '"
        + classPath + "' io.hilnat.agent.android.AndroidAgentMain \"$@\" lib='" + natives + "' cache='" + dir
        .resolve("cache")
        + "' sysfs-root='" + dir.resolve("no-sysfs") + "' allow-profile-mismatch=true");
    System.setProperty("hilnat.adb", fake.script.toString());
    System.setProperty("hilnat.android.bundle", bundle.toString());
    try {
      CommandLine cli = HilnatMain.commandLine();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      assertEquals(0, cli.execute("agents", "describe", "--agent", "adb:", "--json"), err.toString());
      assertTrue(out.toString().contains("\"deviceId\":\"android-arm64@GLUE1\""), out.toString());
      assertTrue(out.toString().contains("\"hardwareProfile\":\"android-arm64\""), out.toString());

      // one command to benchmark a model on the phone, as docs/devices/android.md gives it
      Path model = Path.of("../device-agent/src/test/resources/models/mbconv-32px.tflite");
      StringWriter benchOut = new StringWriter();
      cli.setOut(new PrintWriter(benchOut));
      assertEquals(0, cli.execute("bench", "--agent", "adb:GLUE1", "--runs", "5", "--min-seconds", "0",
          "--warmup", "1", "--warmup-seconds", "0", "--threads", "1", model.toString()), err.toString());
      assertTrue(benchOut.toString().contains("android-arm64@GLUE1") && benchOut.toString().contains("xnnpack"),
          benchOut.toString());

      String address = AgentTargets.resolve("adb:GLUE1");
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(address.split(":")[1])), 5000);
      }
      try (Fleet fleet = Fleet.start(List.of(FleetEntry.parse("adb:GLUE1"), FleetEntry.parse("adb:")),
          Fleet.Settings.DEFAULT)) {
        assertEquals(List.of("adb:GLUE1", "adb:"), fleet.agents().stream().map(Fleet.AgentStatus::target).toList());
        assertTrue(fleet.agents().stream().allMatch(Fleet.AgentStatus::up), fleet.agents().toString());
      }
      assertEquals(1, fake.calls().stream().filter(c -> c.contains("app_process")).count(),
          "one agent for the phone: " + fake.calls());
    } finally {
      System.clearProperty("hilnat.adb");
      System.clearProperty("hilnat.android.bundle");
    }
  }

  @Test
  void theRealAdbWithNoPhoneAttachedSaysHowToAttachOne() throws Exception {
    Path adb = Path.of("/usr/bin/adb");
    assertTrue(Files.isExecutable(adb), adb + " is missing: scripts/install-deps installs it (Debian's adb)");
    boolean daemonWasRunning = listening(5037);
    System.setProperty("hilnat.adb", adb.toString());
    try {
      AndroidException e = assertThrows(AndroidException.class, () -> AgentTargets.resolve("adb:"));
      assertTrue(e.getMessage().startsWith("no Android device is attached: connect a phone with USB debugging on"),
          e.getMessage() + " (this test expects no device attached)");
      // as a user meets it: the commands exit non-zero with that message
      Path model = Files.write(Files.createTempFile("any", ".tflite"), new byte[] {1, 2, 3});
      for (String[] args : List.of(new String[] {"bench", "--agent", "adb:", model.toString()},
          new String[] {"agent", "android"})) {
        CommandLine cli = HilnatMain.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute(args), String.join(" ", args));
        assertTrue(err.toString().startsWith("hilnat: no Android device is attached"), err.toString());
      }
      Files.delete(model);
    } finally {
      System.clearProperty("hilnat.adb");
      if (!daemonWasRunning) {
        try {
          new Adb(adb).run("kill-server"); // the daemon this test started: no test leaves one behind
        } catch (AndroidException e) {
          // best effort: a daemon left running costs nothing but a port
        }
      }
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
