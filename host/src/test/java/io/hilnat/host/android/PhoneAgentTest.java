package io.hilnat.host.android;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.host.cli.HilnatMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The phone agent's start and cleanup against the stand-in adb, and each refusal a user can meet. */
class PhoneAgentTest {

  private static final String DIR = "/data/local/tmp/hilnat";

  @TempDir Path dir;
  FakeAdb fake;

  @BeforeEach
  void fake() throws Exception {
    fake = new FakeAdb(dir.resolve("adb"));
    fake.set("DEVICES", "R58M123\tdevice");
  }

  @Test
  void startPushesLaunchesAndForwardsThenCloseUndoesItOnce() throws Exception {
    Path pidFile = dir.resolve("agent.pid");
    Path argsFile = dir.resolve("agent.args");
    fake.set("DAEMON", "starting").set("AGENT", "echo \"$@\" > '" + argsFile + "'; " + FakeAdb.listeningAgent(pidFile));
    String version = "0.1.0+" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(fake.bundle.resolve("hilnat-agent-android.jar")))).substring(0, 12);
    String agentArgs = version + " port=0 lib=" + DIR + "/lib cache=" + DIR + "/models device-id=android-arm64@R58M123";

    PhoneAgent agent = PhoneAgent.start(fake.adb(), fake.bundle, null, 0);
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    try {
      assertEquals("R58M123", agent.serial());
      assertTrue(agent.alive());
      String port = agent.target().substring("127.0.0.1:".length());
      assertEquals(List.of(
          "devices",
          "-s R58M123 shell getprop ro.product.cpu.abilist",
          "-s R58M123 shell getprop ro.build.version.sdk",
          "-s R58M123 shell mkdir -p " + DIR,
          "-s R58M123 push --sync " + fake.bundle.resolve("hilnat-agent-android.jar") + " " + fake.bundle.resolve("lib")
              + " " + DIR + "/",
          "-s R58M123 shell CLASSPATH=" + DIR + "/hilnat-agent-android.jar LD_LIBRARY_PATH=" + DIR + "/lib app_process "
              + "/ io.hilnat.agent.android.AndroidAgentMain " + agentArgs,
          "-s R58M123 forward tcp:0 tcp:" + port), fake.calls());
      assertEquals(agentArgs, Files.readString(argsFile).strip(), "the stand-in hands the agent its arguments");
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)), 5000); // the fake's own port
      }
    } finally {
      agent.close();
    }
    List<String> calls = fake.calls();
    assertEquals(List.of("-s R58M123 forward --remove tcp:" + agent.target().split(":")[1],
        "-s R58M123 shell kill " + pid), calls.subList(7, calls.size()));
    assertFalse(agent.alive());
    assertTrue(gone(pid), "the agent process is stopped");
    agent.close();
    assertEquals(9, fake.calls().size(), "a second close does nothing");
  }

  @Test
  void aProfileFileTravelsWithTheBundle() throws Exception {
    Path argsFile = dir.resolve("agent.args");
    Path profile = Files.writeString(dir.resolve("my-phone.yaml"), "id: my-phone\n");
    fake.set("AGENT", "echo \"$@\" > '" + argsFile + "'; " + FakeAdb.listeningAgent(dir.resolve("agent.pid")));
    try (PhoneAgent agent = PhoneAgent.start(fake.adb(), fake.bundle, null, 0, profile.toString())) {
      assertTrue(fake.calls().contains("-s R58M123 push " + profile + " " + DIR + "/profile.yaml"), fake.calls()
          .toString());
      assertTrue(Files.readString(argsFile).strip().endsWith(" profile=" + DIR + "/profile.yaml"));
    }
  }

  @Test
  void agentAndroidCommandPrintsWhereTheAgentIsAndCleansUpWhenStopped() throws Exception {
    Path pidFile = dir.resolve("agent.pid");
    fake.set("AGENT", FakeAdb.listeningAgent(pidFile)).set("MODEL", "Pixel 7");
    System.setProperty("hilnat.adb", fake.script.toString());
    System.setProperty("hilnat.android.bundle", fake.bundle.toString());
    try {
      CommandLine cli = HilnatMain.commandLine();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      int[] code = {-1};
      Thread command = new Thread(() -> code[0] = cli.execute("agent", "android", "--serial", "R58M123", "--port",
          "45123"));
      command.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!out.toString().contains("Ctrl-C") && command.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals("hilnat: phone agent for R58M123 (Pixel 7) at 127.0.0.1:45123; Ctrl-C stops it\n", out.toString(),
          err.toString());
      command.interrupt();
      command.join(30_000);
      assertEquals(0, code[0], err.toString());
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      List<String> calls = fake.calls();
      assertTrue(calls.get(6).matches("-s R58M123 forward tcp:45123 tcp:\\d+"), calls.toString());
      assertEquals(List.of("-s R58M123 shell getprop ro.product.model", "-s R58M123 forward --remove tcp:45123",
          "-s R58M123 shell kill " + pid), calls.subList(7, calls.size()));
      assertTrue(gone(pid));
    } finally {
      System.clearProperty("hilnat.adb");
      System.clearProperty("hilnat.android.bundle");
    }
  }

  @Test
  void withoutAdbTheMessageSaysHowToInstallIt() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    AndroidException e = assertThrows(AndroidException.class, () -> Adb.find(null, empty + ":" + dir.resolve("none")));
    assertTrue(e.getMessage().startsWith("adb is not on PATH: install Android's platform tools (Debian: apt-get "
        + "install adb"), e.getMessage());
    Path notExecutable = Files.writeString(dir.resolve("empty/adb"), "");
    e = assertThrows(AndroidException.class, () -> Adb.find(notExecutable.toString(), null));
    assertTrue(e.getMessage().contains("-Dhilnat.adb=" + notExecutable + " is not an executable file"), e.getMessage());
    assertThrows(AndroidException.class, () -> Adb.find(null, empty.toString()), "a file adb that is not executable");
  }

  @Test
  void theCommandLineSearchesPathForAdb() throws Exception {
    fake.set("DEVICES", "");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dhilnat.android.bundle=" + fake.bundle, "-cp", System.getProperty("java.class.path"),
        HilnatMain.class.getName(), "agent", "android"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PATH", dir.resolve("adb") + ":" + System.getenv("PATH"));
    Process found = builder.start();
    String output = new String(found.getInputStream().readAllBytes());
    assertEquals(2, found.waitFor(), output);
    assertTrue(output.startsWith("hilnat: no Android device is attached"), output);
    assertEquals(List.of("devices"), fake.calls(), "the adb first on PATH is the one used");

    builder.environment().put("PATH", Files.createDirectories(dir.resolve("bin")).toString());
    Process missing = builder.start();
    output = new String(missing.getInputStream().readAllBytes());
    assertEquals(2, missing.waitFor(), output);
    assertTrue(output.startsWith("hilnat: adb is not on PATH"), output);
  }

  @Test
  void aMissingBundleSaysToBuildIt() throws Exception {
    Files.delete(fake.bundle.resolve("lib/libjnitensorflowlite.so"));
    assertRefused(null, "the Android agent bundle is incomplete: " + fake.bundle.resolve("lib/libjnitensorflowlite.so")
        + " not found; build it first (mvn -DskipTests package)");
    assertEquals(List.of(), fake.calls(), "nothing is asked of adb");
  }

  @Test
  void noDeviceSaysHowToAttachOne() throws Exception {
    fake.set("DEVICES", "").set("DAEMON", "starting");
    assertRefused(null, "no Android device is attached: connect a phone with USB debugging on (Settings > System > "
        + "Developer options) and accept its prompt, or use adb over Wi-Fi (adb connect HOST:PORT); `adb devices` "
        + "shows what adb sees");
  }

  @Test
  void severalDevicesNeedASerial() throws Exception {
    fake.set("DEVICES", "R58M123\tdevice\n192.168.1.7:5555\tdevice\nemulator-5554\toffline");
    assertRefused(null, "several Android devices are attached (R58M123, 192.168.1.7:5555, emulator-5554): pick one "
        + "with --serial S or adb:S");
    assertRefused("ZZZ", "no Android device ZZZ is attached; attached: R58M123, 192.168.1.7:5555, emulator-5554 "
        + "(offline)");
    assertRefused("emulator-5554", "the Android device emulator-5554 is offline, not ready: try `adb reconnect`");
    assertEquals(List.of("devices", "devices", "devices"), fake.calls());
  }

  @Test
  void anUnauthorizedPhoneMustAcceptThePrompt() throws Exception {
    fake.set("DEVICES", "R58M123\tunauthorized");
    assertRefused(null, "the Android device R58M123 has not authorized this computer: unlock the phone and accept "
        + "'Allow USB debugging?'");
  }

  @Test
  void aPhoneWithoutPermissionsNamesItsState() throws Exception {
    fake.set("DEVICES", "R58M123\tno permissions (missing udev rules? user is in the plugdev group); see "
        + "[http://developer.android.com/tools/device.html]");
    assertRefused(null, "the Android device R58M123 is no permissions (missing udev rules?");
  }

  @Test
  void a32BitPhoneIsRefusedBeforeAnythingIsPushed() throws Exception {
    fake.set("ABILIST", "armeabi-v7a,armeabi");
    assertRefused(null, "the Android device R58M123 cannot run the agent: it is 32-bit only (ABIs: "
        + "armeabi-v7a,armeabi), and the agent needs arm64-v8a (64-bit Arm)");
    assertEquals(List.of("devices", "-s R58M123 shell getprop ro.product.cpu.abilist"), fake.calls());
  }

  @Test
  void anOldAndroidIsRefusedByVersion() throws Exception {
    fake.set("SDK", "25").set("RELEASE", "7.1.1");
    assertRefused(null, "the Android device R58M123 runs API level 25 (Android 7.1.1); the agent needs Android 8.0 "
        + "(API 26) or later");
  }

  @Test
  void anAgentThatExitsEarlyShowsItsExitCodeAndErrors() throws Exception {
    fake.set("AGENT", "echo starting; echo 'java.lang.UnsatisfiedLinkError: dlopen failed: library "
        + "\"libjnitensorflowlite.so\" not found' >&2; echo '\tat io.hilnat.agent.android.AndroidAgentMain.main' >&2;"
        + " exit 3");
    AndroidException e = assertRefused(null, "the agent on R58M123 exited before it was ready (exit code 3):\n"
        + "java.lang.UnsatisfiedLinkError: dlopen failed: library \"libjnitensorflowlite.so\" not found\n"
        + "\tat io.hilnat.agent.android.AndroidAgentMain.main");
    assertFalse(e.getMessage().contains("starting"), "stdout is not the error");
    assertFalse(fake.calls().stream().anyMatch(c -> c.contains("forward") || c.contains("kill")), fake.calls()
        .toString());
  }

  @Test
  void aTakenLocalPortStopsTheAgentAndSaysToChooseAnother() throws Exception {
    Path pidFile = dir.resolve("agent.pid");
    fake.set("AGENT", FakeAdb.listeningAgent(pidFile)).set("FORWARD", "taken");
    AndroidException e = assertThrows(AndroidException.class,
        () -> PhoneAgent.start(fake.adb(), fake.bundle, "R58M123", 5555));
    assertTrue(e.getMessage().startsWith("local port 5555 is taken: choose another --port, or 0 for any free one ("),
        e.getMessage());
    assertTrue(e.getMessage().contains("cannot bind listener: Address already in use"), e.getMessage());
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    List<String> calls = fake.calls();
    assertTrue(calls.get(calls.size() - 2).startsWith("-s R58M123 forward tcp:5555 tcp:"), calls.toString());
    assertEquals("-s R58M123 shell kill " + pid, calls.get(calls.size() - 1), "no forward to remove: it failed");
    assertTrue(gone(pid));
  }

  private AndroidException assertRefused(String serial, String message) {
    AndroidException e = assertThrows(AndroidException.class, () -> PhoneAgent.start(fake.adb(), fake.bundle, serial,
        0));
    assertTrue(e.getMessage().startsWith(message), "expected: " + message + "\ngot: " + e.getMessage());
    return e;
  }

  private static boolean gone(long pid) throws InterruptedException {
    for (int i = 0; i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
      Thread.sleep(50);
    }
    return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
  }
}
