package io.hilnat.agent.energy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading sysfs-style files under a root, so recorded trees can stand in for a real board. */
public final class Sysfs {

  private Sysfs() {}

  /** {@code root} joined with an absolute sysfs path such as {@code /sys/class/hwmon}. */
  public static Path under(Path root, String absolute) {
    return root.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
  }

  public static String text(Path file) throws IOException {
    try {
      return Files.readString(file).strip();
    } catch (AccessDeniedException e) {
      throw new IOException("permission denied reading " + file
          + ": run the agent as root or make the file readable (e.g. chmod a+r)", e);
    }
  }

  public static long number(Path file) throws IOException {
    String text = text(file);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IOException(file + ": expected an integer, found '" + text + "'", e);
    }
  }
}
