package io.hilnat.agent.android;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code app_process}'s arguments after the class name, scrcpy style: the version, then {@code key=value} pairs.
 * No option library: these are the launcher's words, not a person's.
 */
record LaunchArguments(String version, Map<String, String> values) {

  static final List<String> KEYS = List.of("port", "bind", "lib", "cache", "device-id", "profile",
      "allow-profile-mismatch", "sysfs-root", "max-model-mb", "max-cache-mb", "token-file", "metrics-port");

  static LaunchArguments parse(String[] args) {
    if (args.length == 0 || args[0].contains("=")) {
      throw new IllegalArgumentException("the first argument must be the agent version the host expects "
          + "(hilnat agent android passes it)");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      String key = eq < 0 ? args[i] : args[i].substring(0, eq);
      if (eq <= 0 || !KEYS.contains(key)) {
        throw new IllegalArgumentException("'" + args[i] + "' is not KEY=VALUE with KEY one of " + KEYS);
      }
      values.put(key, args[i].substring(eq + 1));
    }
    return new LaunchArguments(args[0], values);
  }

  String text(String key, String fallback) {
    String v = values.get(key);
    return v == null || v.isEmpty() ? fallback : v;
  }

  Path path(String key, String fallback) {
    String v = text(key, fallback);
    return v == null ? null : Paths.get(v);
  }

  int number(String key, int fallback) {
    String v = text(key, null);
    try {
      return v == null ? fallback : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + "=" + v + " is not a number");
    }
  }

  boolean flag(String key) {
    return Boolean.parseBoolean(text(key, "false"));
  }
}
