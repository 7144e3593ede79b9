package io.hilnat.agent.android;

import io.hilnat.agent.core.AgentCore;
import io.hilnat.agent.core.Hex;
import io.hilnat.agent.core.ThisProcess;
import io.hilnat.agent.profile.HardwareProfile;
import io.hilnat.agent.profile.Platform;
import io.hilnat.agent.profile.ProfileLoader;
import io.hilnat.agent.runtime.ChildProcessModelChecker;
import io.hilnat.agent.runtime.ModelCheckWorker;
import io.hilnat.agent.runtime.TfliteRuntime;
import io.hilnat.agent.server.AgentServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The agent on an Android phone, started without an install the way scrcpy starts its server:
 * <pre>
 * CLASSPATH=/data/local/tmp/hilnat/hilnat-agent-android.jar LD_LIBRARY_PATH=/data/local/tmp/hilnat/lib \
 *   app_process / io.hilnat.agent.android.AndroidAgentMain VERSION lib=/data/local/tmp/hilnat/lib port=0 ...
 * </pre>
 * VERSION must be this jar's ({@link #version}), so a stale push is refused rather than measured with. It prints
 * {@code hilnat-agent pid N}, then {@code hilnat-agent listening on HOST:PORT}, and exits when its standard input
 * closes: that is the host's {@code adb shell} going away, and an agent left behind would hold the CPUs.
 */
public final class AndroidAgentMain {

  /** First argument of the child that checks uploads in a process of its own. */
  static final String MODEL_CHECK = "model-check";
  private static final String PHONE_DIR = "/data/local/tmp/hilnat";

  private AndroidAgentMain() {}

  public static void main(String[] args) {
    try {
      if (args.length > 0 && args[0].equals(MODEL_CHECK)) {
        LaunchArguments launch = LaunchArguments.parse(args);
        NativeLibraries.load(launch.path("lib", PHONE_DIR + "/lib"));
        ModelCheckWorker.serve(new TfliteRuntime());
        System.exit(0);
      }
      serve(LaunchArguments.parse(args));
    } catch (Exception | LinkageError e) {
      System.err.println("hilnat-agent: " + e.getMessage());
      System.exit(1);
    }
  }

  private static void serve(LaunchArguments launch) throws Exception {
    Path jar = ownJar();
    String expected = version(jar);
    if (!launch.version().equals(expected)) {
      throw new IllegalStateException("the host expects agent " + launch.version() + " but " + jar + " is "
          + expected + ": push the bundle again (hilnat agent android does)");
    }
    Path lib = launch.path("lib", PHONE_DIR + "/lib");
    NativeLibraries.load(lib);
    HardwareProfile profile = ProfileLoader.fileOrBuiltIn(launch.text("profile", "android-arm64"));
    String override = ProfileLoader.checkPlatform(profile, Platform.current(), launch.flag("allow-profile-mismatch"));
    String token = null;
    Path tokenFile = launch.path("token-file", null);
    if (tokenFile != null) {
      token = new String(Files.readAllBytes(tokenFile), StandardCharsets.UTF_8).trim();
    }
    String bind = launch.text("bind", "127.0.0.1");
    AgentServer server = new AgentServer(new AgentServer.Config(bind, launch.number("port", 0), profile,
        launch.text("device-id", profile.id() + "@android"), launch.path("cache", PHONE_DIR + "/models"),
        (long) launch.number("max-model-mb", 64) << 20, (long) launch.number("max-cache-mb", 1024) << 20, token, null,
        null, "127.0.0.1", launch.number("metrics-port", -1), launch.path("sysfs-root", "/"), override),
        new OkHttpTransport(), new TfliteRuntime(),
        new ChildProcessModelChecker(modelCheckCommand(lib), ChildProcessModelChecker.AGENT_TIMEOUT_SECONDS));
    System.out.println("hilnat-agent pid " + ThisProcess.pid());
    if (!override.isEmpty()) {
      System.err.println("hilnat-agent: WARNING: " + override);
    }
    System.out.println("hilnat-agent listening on " + bind + ":" + server.port());
    System.out.flush();
    exitWhenClosed(System.in, server);
    server.awaitTermination();
  }

  /** The version a host must pass: the agent's, and the first 12 hex digits of this jar's SHA-256. */
  static String version(Path jar) throws IOException, NoSuchAlgorithmException {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar));
    return AgentCore.VERSION + "+" + Hex.of(Arrays.copyOf(digest, 6));
  }

  /** The jar this runs from: app_process takes it from {@code CLASSPATH}. */
  private static Path ownJar() {
    String classPath = System.getenv("CLASSPATH");
    if (classPath == null || classPath.isEmpty() || classPath.contains(":")) {
      throw new IllegalStateException("CLASSPATH must name the agent's one jar (got '" + classPath + "'); start it "
          + "as CLASSPATH=" + PHONE_DIR + "/hilnat-agent-android.jar app_process / " + AndroidAgentMain.class
          .getName());
    }
    return Paths.get(classPath);
  }

  /**
   * The checker child runs this class again in {@link #MODEL_CHECK} mode: with {@code app_process} on a phone (it
   * inherits CLASSPATH), with this JVM's java elsewhere.
   */
  static List<String> modelCheckCommand(Path lib) {
    List<String> command = new ArrayList<>();
    if (System.getProperty("java.vm.name", "").startsWith("Dalvik")) {
      command.addAll(List.of("/system/bin/app_process", "/"));
    } else {
      command.addAll(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
          "-cp", System.getProperty("java.class.path")));
    }
    command.addAll(List.of(AndroidAgentMain.class.getName(), MODEL_CHECK, "lib=" + lib.toAbsolutePath()));
    return command;
  }

  private static void exitWhenClosed(InputStream in, AgentServer server) {
    Thread watch = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        while (reader.readLine() != null) {
          // nothing is read from the host; only the end matters
        }
      } catch (IOException e) {
        // a broken stdin is a closed one
      }
      server.close();
      System.exit(0);
    }, "stdin-watch");
    watch.setDaemon(true);
    watch.start();
  }
}
