package io.hilnat.agent.energy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a command and returns its standard output; tests substitute recorded output. */
@FunctionalInterface
public interface CommandRunner {
  String run(List<String> command) throws IOException;

  /** The real thing: a child process. */
  static CommandRunner system() {
    return command -> {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      try {
        if (process.waitFor() != 0) {
          throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted running " + command, e);
      }
      return out;
    };
  }
}
