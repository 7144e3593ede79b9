package io.hilnat.agent.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks uploads in a long-lived child JVM ({@link ModelCheckWorker}) running the same runtime: a hostile
 * model that crashes TFLite's native code, or whose tensor shapes ask for gigabytes, ends the child, not the
 * agent, and is rejected with what the child printed. The child is restarted for the next model. One check at a
 * time (callers hold the device queue).
 */
public final class ChildProcessModelChecker implements ModelChecker {

  /**
   * A model that takes minutes to load and run once on a board is not one to search with. Under the host's upload
   * deadline (120 s), so the host hears why a check failed rather than only that its deadline passed.
   */
  public static final long AGENT_TIMEOUT_SECONDS = 90;

  static final String DONE = "hilnat-check-done";
  private static final int STDERR_LINES_KEPT = 20;

  private final List<String> command;
  private final long timeoutSeconds;
  private Process child;
  private Writer toChild;
  private BufferedReader fromChild;
  private final Deque<String> stderr = new ArrayDeque<>();
  private int doneMarkers;

  /** {@code command}: how to start {@link ModelCheckWorker}'s loop on this system. */
  public ChildProcessModelChecker(List<String> command, long timeoutSeconds) {
    this.command = List.copyOf(command);
    this.timeoutSeconds = timeoutSeconds;
  }

  /** The java that runs this agent ({@code -Dhilnat.java} when a launcher says so) and its class path. */
  public static ChildProcessModelChecker forThisJvm(long timeoutSeconds) {
    String java = System.getProperty("hilnat.java");
    if (java == null || java.isBlank()) {
      java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
    // a crash report belongs in the temporary folder, not in whatever folder the agent was started from
    return new ChildProcessModelChecker(List.of(java, "-Xmx256m", "-XX:-CreateCoredumpOnCrash",
        "-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "hilnat-model-check-crash-%p.log"),
        "-cp", System.getProperty("java.class.path"), ModelCheckWorker.class.getName()), timeoutSeconds);
  }

  @Override
  public synchronized void check(Path model) throws ModelLoadException {
    try {
      ensureStarted();
      int marker = doneMarkers;
      toChild.write(model.toAbsolutePath() + "\n");
      toChild.flush();
      BufferedReader in = fromChild;
      CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
        try {
          return in.readLine();
        } catch (IOException e) {
          return null;
        }
      });
      String line = answer.get(timeoutSeconds, TimeUnit.SECONDS);
      if (line == null) {
        int code = child.waitFor();
        String printed = stderrSince(marker);
        stop();
        throw new ModelLoadException("loading it crashed the model checker process (exit code " + code
            + "); the agent is unaffected" + (printed.isEmpty() ? "" : "; it printed: " + printed));
      }
      String printed = stderrSince(marker);
      if (line.startsWith("rejected\t")) {
        throw new ModelLoadException(line.substring("rejected\t".length())
            + (printed.isEmpty() ? "" : "; TFLite said: " + printed));
      }
      if (!line.equals("ok")) {
        stop();
        throw new ModelLoadException("the model checker answered '" + line + "'");
      }
    } catch (TimeoutException e) {
      stop();
      throw new ModelLoadException("loading and running it once took more than " + timeoutSeconds + " s");
    } catch (IOException | ExecutionException e) {
      stop();
      throw new ModelLoadException("the model checker process failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new ModelLoadException("interrupted while checking the model");
    }
  }

  /** TFLite's lines printed while checking the last model, waiting until the child marked their end. */
  private String stderrSince(int marker) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    synchronized (stderr) {
      while (doneMarkers == marker && child.isAlive() && System.nanoTime() < deadline) {
        stderr.wait(50);
      }
      String text = String.join(" | ", stderr).strip();
      stderr.clear();
      return text;
    }
  }

  private void ensureStarted() throws IOException {
    if (child != null && child.isAlive()) {
      return;
    }
    stop();
    child = new ProcessBuilder(command).start();
    toChild = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
    fromChild = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8));
    Thread drain = new Thread(() -> {
      try {
        for (String l; (l = err.readLine()) != null; ) {
          synchronized (stderr) {
            if (l.equals(DONE)) {
              doneMarkers++;
            } else if (!l.isBlank() && !l.startsWith("#") && !l.strip().startsWith("at ")
                && !l.startsWith("INFO: Created TensorFlow Lite XNNPACK")) {
              stderr.addLast(l.strip());
              while (stderr.size() > STDERR_LINES_KEPT) {
                stderr.removeFirst();
              }
            }
            stderr.notifyAll();
          }
        }
      } catch (IOException e) {
        // the child ended: its exit is handled by check()
      }
    }, "model-checker-stderr");
    drain.setDaemon(true);
    drain.start();
  }

  private void stop() {
    if (child != null) {
      child.destroyForcibly();
      try {
        child.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      child = null;
    }
  }

  @Override
  public String describe() {
    return "child process: loaded and run once with each delegate, apart from the agent";
  }

  @Override
  public synchronized void close() {
    stop();
  }
}
