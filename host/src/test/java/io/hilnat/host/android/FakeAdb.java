package io.hilnat.host.android;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stand-in adb ({@code src/test/resources/android/adb}) in a folder of its own, configured through the
 * {@code fake-adb.env} file next to it (a JVM cannot set its own environment for in-process code), and a fake
 * agent bundle beside it.
 */
final class FakeAdb {

  /** A fake agent: listens on a free port and waits for stdin's end, as the real one does; records its pid. */
  static String listeningAgent(Path pidFile) {
    return "echo $$ > '" + pidFile + "'; exec python3 -c '\n"
        + "import os, socket, sys\n"
        + "s = socket.socket()\n"
        + "s.bind((\"127.0.0.1\", 0))\n"
        + "s.listen()\n"
        + "print(\"hilnat-agent pid\", os.getpid())\n"
        + "print(\"a line the host ignores\")\n"
        + "print(\"hilnat-agent listening on 127.0.0.1:%d\" % s.getsockname()[1], flush=True)\n"
        + "sys.stdin.read()'";
  }

  final Path script;
  final Path bundle;
  private final Path log;
  private final Map<String, String> settings = new LinkedHashMap<>();

  FakeAdb(Path dir) throws IOException {
    Files.createDirectories(dir);
    script = dir.resolve("adb");
    try (InputStream in = FakeAdb.class.getResourceAsStream("/android/adb")) {
      Files.copy(in, script);
    }
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    log = dir.resolve("adb.log");
    bundle = dir.resolve("bundle");
    Files.createDirectories(bundle.resolve("lib"));
    Files.writeString(bundle.resolve(PhoneAgent.JAR), "not really a dex jar, but hashed like one");
    for (String lib : PhoneAgent.LIBS) {
      Files.writeString(bundle.resolve("lib").resolve(lib), "not really " + lib);
    }
    write();
  }

  /** Sets FAKE_ADB_{@code name} for the calls from now on. */
  FakeAdb set(String name, String value) throws IOException {
    settings.put("FAKE_ADB_" + name, value);
    write();
    return this;
  }

  Adb adb() {
    return new Adb(script);
  }

  /** Each call's arguments, joined by spaces, in order. */
  List<String> calls() throws IOException {
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  private void write() throws IOException {
    StringBuilder env = new StringBuilder();
    settings.forEach((k, v) -> env.append(k).append("='").append(v.replace("'", "'\\''")).append("'\n"));
    Files.writeString(script.resolveSibling("fake-adb.env"), env);
  }
}
