package io.hilnat.host.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Default output folders: {@code runs/KIND-yyyyMMdd-HHmmss}. */
final class Runs {

  private Runs() {}

  static Path timestamped(String kind) {
    return Path.of("runs", kind + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }
}
