package io.hilnat.agent.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/** The agent's own process id, read where both Linux JVMs and Android's ART can: ART has no ProcessHandle. */
public final class ThisProcess {

  private ThisProcess() {}

  /** The pid from the {@code /proc/self} link; -1 where there is no procfs. */
  public static long pid() {
    try {
      return Long.parseLong(Files.readSymbolicLink(Paths.get("/proc/self")).toString());
    } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
      return -1;
    }
  }
}
