package io.hilnat.host.android;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device agent running on an Android phone with no app installed, as scrcpy runs its server: a jar holding
 * classes.dex pushed to {@code /data/local/tmp} and started with {@code app_process} through {@code adb shell},
 * reached through {@code adb forward}. The agent binds 127.0.0.1 on the phone, so the forward is its only way in.
 *
 * <p>The agent exits when its stdin closes, which this process holds through the adb shell: if the host dies
 * without cleaning up, the agent still goes. A shutdown hook cleans up on Ctrl-C.
 */
public final class PhoneAgent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PhoneAgent.class);

  /** The agent release; the jar's hash is appended (see {@link #version}). */
  public static final String RELEASE = "0.1.0";
  /** The bundle the agent module builds: this jar and {@code lib/} holding {@link #LIBS}. */
  static final String JAR = "hilnat-agent-android.jar";
  static final List<String> LIBS = List.of("libjnijavacpp.so", "libjnitensorflowlite.so");
  private static final String BUNDLE = "device-agent/android/target/bundle";
  /** The one place on a phone where the shell user may write and execute, without root or an app. */
  static final String DEVICE_DIR = "/data/local/tmp/hilnat";
  private static final String MAIN = "io.hilnat.agent.android.AndroidAgentMain";
  private static final String PID = "hilnat-agent pid ";
  private static final String READY = "hilnat-agent listening on ";
  /** A first start dexopts the jar and loads 11 MB of natives on a slow phone. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  /** The TFLite natives are 11 MB; a USB 2 cable or Wi-Fi adb pushes them in well under this. */
  private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(300);
  /** Cleanup runs on Ctrl-C too, where a long wait on a vanished phone would hold up the exit. */
  private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(10);
  private static final int ERROR_LINES = 20;

  private final AndroidDevice device;
  private final Process process;
  private final Deque<String> errors = new ArrayDeque<>(); // the last ERROR_LINES of stderr; guarded by itself
  private final Thread errorReader;
  private final Thread hook;
  private volatile String pid;
  private volatile int localPort;
  private boolean closed;

  private PhoneAgent(AndroidDevice device, Process process) {
    this.device = device;
    this.process = process;
    this.errorReader = daemon("phone-agent-stderr-" + device.serial(), process.getErrorStream(), line -> {
      synchronized (errors) {
        if (errors.size() == ERROR_LINES) {
          errors.removeFirst();
        }
        errors.addLast(line);
      }
    }, () -> { });
    this.hook = new Thread(this::close, "phone-agent-cleanup-" + device.serial());
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * {@link #start(Adb, Path, String, int, String)} with adb from {@link Adb#find} and the bundle from
   * {@link #bundle}.
   */
  public static PhoneAgent start(String serial, int localPort, String profile) {
    return start(Adb.find(), bundle(), serial, localPort, profile);
  }

  /** {@link #start(Adb, Path, String, int, String)} with the agent's own profile for phones. */
  public static PhoneAgent start(Adb adb, Path bundle, String serial, int localPort) {
    return start(adb, bundle, serial, localPort, null);
  }

  /**
   * Pushes the bundle to the phone {@code serial} (the only attached one when null or empty), starts the agent,
   * waits until it listens and forwards {@code localPort} (0: any free port) on 127.0.0.1 to it. {@code profile}:
   * null for the built-in android-arm64, a built-in id, or a YAML file of this machine (pushed beside the jar).
   */
  public static PhoneAgent start(Adb adb, Path bundle, String serial, int localPort, String profile) {
    Path jar = bundle.resolve(JAR);
    List<Path> files = new ArrayList<>(List.of(jar));
    LIBS.forEach(lib -> files.add(bundle.resolve("lib").resolve(lib)));
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new AndroidException("the Android agent bundle is incomplete: " + file + " not found; build it first "
            + "(mvn -DskipTests package), or point -Dhilnat.android.bundle at a built bundle");
      }
    }
    String version = version(jar);
    AndroidDevice device = AndroidDevice.pick(adb, serial);
    String s = device.serial();
    device.shell("mkdir", "-p", DEVICE_DIR);
    // --sync skips files the phone already has, so a second start pushes nothing
    adb.run(List.of("-s", s, "push", "--sync", jar.toString(), bundle.resolve("lib").toString(), DEVICE_DIR + "/"),
        PUSH_TIMEOUT);
    List<String> command = new ArrayList<>(List.of("-s", s, "shell", "CLASSPATH=" + DEVICE_DIR + "/" + JAR,
        "LD_LIBRARY_PATH=" + DEVICE_DIR + "/lib", "app_process", "/", MAIN, version, "port=0",
        "lib=" + DEVICE_DIR + "/lib", "cache=" + DEVICE_DIR + "/models", "device-id=android-arm64@" + s));
    if (profile != null && Files.isRegularFile(Path.of(profile))) {
      // a profile edited for this phone (its big cores, its thermal zones) travels with the bundle
      adb.run(List.of("-s", s, "push", profile, DEVICE_DIR + "/profile.yaml"), Adb.TIMEOUT);
      command.add("profile=" + DEVICE_DIR + "/profile.yaml");
    } else if (profile != null) {
      command.add("profile=" + profile);
    }
    Process process = adb.start(command);
    PhoneAgent agent = new PhoneAgent(device, process);
    try {
      agent.forward(localPort, agent.awaitReady());
      return agent;
    } catch (RuntimeException e) {
      agent.close();
      throw e;
    }
  }

  /**
   * {@code RELEASE+HASH}, HASH the first 12 hex digits of the jar's SHA-256: the agent computes the same of its
   * own jar and refuses to start on a mismatch, which catches a push that did not happen or went stale.
   */
  public static String version(Path jar) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar));
      return RELEASE + "+" + HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (IOException e) {
      throw new AndroidException("could not read " + jar + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /**
   * The built bundle: the system property {@code hilnat.android.bundle}, else {@value #BUNDLE} under
   * {@code hilnat.home} (set by the {@code ./hilnat} script) or the working directory or its parent (Maven runs
   * tests in {@code host/}).
   */
  public static Path bundle() {
    String explicit = System.getProperty("hilnat.android.bundle");
    if (explicit != null) {
      return Path.of(explicit);
    }
    String home = System.getProperty("hilnat.home");
    Path base = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
    for (Path candidate : List.of(base.resolve(BUNDLE), base.resolve("..").resolve(BUNDLE))) {
      if (Files.isDirectory(candidate)) {
        return candidate.normalize();
      }
    }
    return base.resolve(BUNDLE);
  }

  /** The phone's port from the agent's ready line; its pid, printed before, is kept for {@link #close}. */
  private int awaitReady() {
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    daemon("phone-agent-stdout-" + serial(), process.getInputStream(), line -> {
      if (ready.isDone()) {
        return; // drained only, so the agent never blocks on a full pipe
      }
      if (line.startsWith(PID)) {
        pid = line.substring(PID.length()).strip();
      } else if (line.startsWith(READY)) {
        String address = line.substring(READY.length()).strip();
        try {
          ready.complete(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
        } catch (NumberFormatException e) {
          ready.completeExceptionally(new AndroidException("the agent on " + serial() + " printed '" + line
              + "', which names no port"));
        }
      }
    }, () -> ready.complete(null)); // the end of stdout before the ready line: the agent exited
    Integer port;
    try {
      port = ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AndroidException("the agent on " + serial() + " was not ready within " + READY_TIMEOUT.toSeconds()
          + " s; stopped it" + errorTail());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AndroidException("interrupted while the agent on " + serial() + " was starting", e);
    } catch (ExecutionException e) {
      throw (AndroidException) e.getCause(); // the only way the reader fails the future
    }
    if (port == null) {
      throw new AndroidException("the agent on " + serial() + " exited before it was ready (exit code "
          + exitCode() + ")" + errorTail());
    }
    if (pid == null) {
      throw new AndroidException("the agent on " + serial() + " listens but printed no '" + PID.strip()
          + "' line first: the bundle and the host are of different versions; rebuild both (mvn -DskipTests package)");
    }
    return port;
  }

  private void forward(int requested, int phonePort) {
    String out;
    try {
      out = device.adb().run(List.of("-s", serial(), "forward", "tcp:" + requested, "tcp:" + phonePort),
          Adb.TIMEOUT);
    } catch (AndroidException e) {
      if (e.getMessage().contains("cannot bind")) {
        throw new AndroidException("local port " + requested + " is taken: choose another --port, or 0 for any "
            + "free one (" + e.getMessage() + ")", e);
      }
      throw e;
    }
    if (requested != 0) {
      localPort = requested;
      return;
    }
    // with tcp:0, adb prints the port it chose
    for (String line : out.split("\n")) {
      if (line.strip().matches("\\d{1,5}")) {
        localPort = Integer.parseInt(line.strip());
        return;
      }
    }
    throw new AndroidException("`adb forward tcp:0 tcp:" + phonePort + "` printed no port ('" + out.strip()
        + "'): update adb (Android platform tools)");
  }

  /** {@code 127.0.0.1:PORT}, the forwarded end on this machine. */
  public String target() {
    return "127.0.0.1:" + localPort;
  }

  public String serial() {
    return device.serial();
  }

  public AndroidDevice device() {
    return device;
  }

  /** Whether the agent still runs and was not closed: a stopped one's port leads nowhere. */
  public synchronized boolean alive() {
    return !closed && process.isAlive();
  }

  /**
   * Blocks while the agent runs. Returns once it was closed (Ctrl-C closes it from the shutdown hook); throws
   * when it stopped by itself, with its exit code and last error lines.
   */
  public void awaitExit() throws InterruptedException {
    process.waitFor();
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    throw new AndroidException("the agent on " + serial() + " stopped (exit code " + exitCode() + ")"
        + errorTail() + "; is the phone still connected (`adb devices`)?");
  }

  /** Removes the forward, kills the agent on the phone and ends the adb shell; safe to call more than once. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    Adb adb = device.adb();
    if (localPort != 0) {
      cleanup(() -> adb.run(List.of("-s", serial(), "forward", "--remove", "tcp:" + localPort), CLEANUP_TIMEOUT));
    }
    // once the adb shell has ended, so has the agent: the shell ends with the command it runs
    if (pid != null && process.isAlive()) {
      cleanup(() -> adb.run(List.of("-s", serial(), "shell", "kill", pid), CLEANUP_TIMEOUT));
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // the shell is gone already
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    if (Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs, finds this closed and returns
      }
    }
  }

  private void cleanup(Runnable step) {
    try {
      step.run();
    } catch (AndroidException e) {
      LOG.warn("cleaning up the agent on {}: {}", serial(), e.getMessage());
    }
  }

  private String exitCode() {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "none yet";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /** ": LINES" of the agent's stderr, once the reader reached its end or a moment passed. */
  private String errorTail() {
    try {
      errorReader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (errors) {
      return errors.isEmpty() ? " (no error output)" : ":\n" + String.join("\n", errors);
    }
  }

  /** Reads {@code stream} to its end line by line on a daemon thread, then runs {@code atEnd}. */
  private static Thread daemon(String name, InputStream stream, Consumer<String> lines, Runnable atEnd) {
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.accept(line);
        }
      } catch (IOException e) {
        // the process was destroyed: the same as its end
      } finally {
        atEnd.run();
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
