package io.hilnat.host.agentclient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A device agent started as a child process on 127.0.0.1, as it runs on a device: in a process of its own, so the
 * host's training threads and heap stay out of what it measures. Used by the demo, benchmarks and tests; the
 * agent's stdout line tells the port.
 */
public final class LocalAgent implements AutoCloseable {

  private static final String READY = "hilnat-agent listening on ";

  private final Process process;
  private final String target;

  private LocalAgent(Process process, String target) {
    this.process = process;
    this.target = target;
  }

  /**
   * Starts an agent from the built agent module ({@code device-agent/target} under {@code home}, or the
   * system property {@code hilnat.agent.home}) with {@code extraArgs} after {@code serve --port 0}.
   */
  public static LocalAgent start(Path cacheDir, String... extraArgs) throws IOException {
    Path agentTarget = agentTarget();
    Path jar = agentTarget.resolve("hilnat-device-agent.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IOException("agent jar " + jar + " not found: build it first (mvn -DskipTests package)");
    }
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g",
        "-cp", jar + java.io.File.pathSeparator + agentTarget.resolve("lib") + "/*",
        "io.hilnat.agent.AgentMain", "serve", "--port", "0", "--cache-dir", cacheDir.toString(),
        "--parent-pid", Long.toString(ProcessHandle.current().pid())));
    command.addAll(List.of(extraArgs));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new LocalAgent(process, awaitListening(process, 60));
  }

  /**
   * The {@code HOST:PORT} an agent process prints once it listens; its stdout is drained from then on so it never
   * blocks on a full pipe. Kills the process when it does not listen within {@code seconds}.
   */
  public static String awaitListening(Process process, long seconds) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = out.readLine()) != null; ) {
          if (line.startsWith(READY)) {
            return line.substring(READY.length()).strip();
          }
        }
      } catch (IOException e) {
        // fall through: the process ended before it was ready
      }
      return null;
    });
    try {
      String target = ready.get(seconds, TimeUnit.SECONDS);
      if (target == null) {
        throw new IOException("the agent exited before it listened (exit code "
            + process.waitFor() + "); its error output is above");
      }
      Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "agent-stdout");
      drain.setDaemon(true);
      drain.start();
      return target;
    } catch (TimeoutException | InterruptedException | java.util.concurrent.ExecutionException e) {
      process.destroyForcibly();
      throw new IOException("the agent did not start within " + seconds + " s", e);
    }
  }

  /** The built agent module: jar and lib/ (see {@link #start}). */
  public static Path agentTarget() {
    String explicit = System.getProperty("hilnat.agent.home");
    if (explicit != null) {
      return Path.of(explicit);
    }
    String home = System.getProperty("hilnat.home");
    Path base = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
    // from the repository root, or from a module directory (Maven runs tests in host/)
    for (Path candidate : List.of(base.resolve("device-agent/target"), base.resolve("../device-agent/target"))) {
      if (Files.isDirectory(candidate)) {
        return candidate.normalize();
      }
    }
    return base.resolve("device-agent/target");
  }

  /** {@code 127.0.0.1:PORT}. */
  public String target() {
    return target;
  }

  public long pid() {
    return process.pid();
  }

  /** Kills the agent at once, as a crash would. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill();
  }
}
