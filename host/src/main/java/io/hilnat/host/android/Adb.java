package io.hilnat.host.android;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Android's {@code adb} executable: short commands that must succeed, and the long-running agent shell. */
public final class Adb {

  /** Long enough for a first call that starts adb's daemon; a hung device must not hang the host forever. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Path executable;

  public Adb(Path executable) {
    this.executable = executable;
  }

  /** The system property {@code hilnat.adb} if set, else the first executable {@code adb} on PATH. */
  public static Adb find() {
    return find(System.getProperty("hilnat.adb"), System.getenv("PATH"));
  }

  static Adb find(String explicit, String pathVariable) {
    if (explicit != null) {
      Path adb = Path.of(explicit);
      if (!Files.isRegularFile(adb) || !Files.isExecutable(adb)) {
        throw new AndroidException("-Dhilnat.adb=" + explicit + " is not an executable file: name adb's full "
            + "path, or leave the property out to use the adb on PATH");
      }
      return new Adb(adb);
    }
    for (String dir : (pathVariable == null ? "" : pathVariable).split(File.pathSeparator)) {
      Path adb = Path.of(dir.isEmpty() ? "." : dir, "adb");
      if (Files.isRegularFile(adb) && Files.isExecutable(adb)) {
        return new Adb(adb.toAbsolutePath());
      }
    }
    throw new AndroidException("adb is not on PATH: install Android's platform tools (Debian: apt-get install adb; "
        + "elsewhere: https://developer.android.com/tools/releases/platform-tools) and put adb on PATH, or name it "
        + "with -Dhilnat.adb=/path/to/adb");
  }

  public Path executable() {
    return executable;
  }

  /**
   * Runs {@code adb ARGS} and returns its stdout. Fails, with the command line and adb's output, when adb exits
   * non-zero or outlasts {@code timeout} (then it is killed).
   */
  public String run(List<String> args, Duration timeout) {
    List<String> command = command(args);
    Path out = null;
    Path err = null;
    try {
      // files, not pipes: a daemon that adb forks may keep inherited pipes open long after adb itself exits
      out = Files.createTempFile("hilnat-adb", ".out");
      err = Files.createTempFile("hilnat-adb", ".err");
      Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AndroidException("`" + String.join(" ", command) + "` did not finish within "
            + timeout.toSeconds() + " s" + output(out, err) + "; is the device still connected (`adb devices`)?");
      }
      if (process.exitValue() != 0) {
        throw new AndroidException("`" + String.join(" ", command) + "` failed (exit code " + process.exitValue()
            + ")" + output(out, err));
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AndroidException("could not run `" + String.join(" ", command) + "`: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AndroidException("interrupted while running `" + String.join(" ", command) + "`", e);
    } finally {
      delete(out);
      delete(err);
    }
  }

  /** {@link #run} with {@link #TIMEOUT}. */
  public String run(String... args) {
    return run(List.of(args), TIMEOUT);
  }

  /** Starts {@code adb ARGS} as a long-running child whose stdin, stdout and stderr are pipes to this process. */
  public Process start(List<String> args) {
    List<String> command = command(args);
    try {
      return new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new AndroidException("could not run `" + String.join(" ", command) + "`: " + e.getMessage(), e);
    }
  }

  private List<String> command(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(args);
    return command;
  }

  private static String output(Path out, Path err) throws IOException {
    String text = (Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8))
        .strip();
    return text.isEmpty() ? "" : ": " + text;
  }

  private static void delete(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        file.toFile().deleteOnExit();
      }
    }
  }
}
