package io.hilnat.agent.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hilnat.agent.core.AgentCore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real packages written with the system tar, and their scripts run with the real bash. */
class AgentPackageTest {

  private static final String ARM64_NATIVES = "tensorflow-lite-2.20.0-1.5.13-linux-arm64.jar";
  private static final String X86_NATIVES = "tensorflow-lite-2.20.0-1.5.13-linux-x86_64.jar";
  private static final String ANDROID_NATIVES = "javacpp-1.5.13-android-arm64.jar";
  private static final String APT = "sudo apt install openjdk-17-jre-headless";

  @TempDir Path tmp;
  Path jar;
  Path lib;

  @BeforeEach
  void fakeBuild() throws IOException {
    Path target = Files.createDirectories(tmp.resolve("target"));
    jar = Files.writeString(target.resolve("hilnat-device-agent.jar"), "agent");
    lib = Files.createDirectories(target.resolve("lib"));
    for (String name : List.of("a.jar", X86_NATIVES, ARM64_NATIVES, ANDROID_NATIVES)) {
      Files.writeString(lib.resolve(name), name);
    }
  }

  @Test
  void keepsTheTargetsNativesAndEveryPlainJar() throws Exception {
    Path pkg = tmp.resolve("out/agent.tar.gz");
    AgentPackage.write("linux-arm64", pkg, jar, lib, "raspberry-pi-5");

    Set<String> entries = new TreeSet<>(Arrays.asList(run(List.of("tar", "-tzf", pkg.toString()), Map.of())
        .output.split("\n")));
    Set<String> files = new TreeSet<>(List.of("hilnat-agent/bin/hilnat-agent", "hilnat-agent/install.sh",
        "hilnat-agent/hilnat-agent.service", "hilnat-agent/agent.env", "hilnat-agent/TARGET", "hilnat-agent/VERSION",
        "hilnat-agent/PROFILE", "hilnat-agent/lib/hilnat-device-agent.jar", "hilnat-agent/lib/a.jar",
        "hilnat-agent/lib/" + ARM64_NATIVES));
    entries.removeIf(e -> e.endsWith("/"));
    assertEquals(files, entries);

    Path root = unpack(pkg);
    assertTrue(Files.isExecutable(root.resolve("bin/hilnat-agent")));
    assertTrue(Files.isExecutable(root.resolve("install.sh")));
    assertFalse(Files.isExecutable(root.resolve("agent.env")));
    assertEquals("linux-arm64", Files.readString(root.resolve("TARGET")).strip());
    assertEquals(AgentCore.VERSION, Files.readString(root.resolve("VERSION")).strip());
    assertEquals("raspberry-pi-5", Files.readString(root.resolve("PROFILE")).strip());
  }

  @Test
  void refusesUnknownTargetsPhonesAndMissingNatives() throws IOException {
    Path pkg = tmp.resolve("agent.tar.gz");
    String unknown = assertThrows(IllegalArgumentException.class,
        () -> AgentPackage.write("linux-armv7", pkg, jar, lib, null)).getMessage();
    assertTrue(unknown.contains("linux-arm64") && unknown.contains("linux-x86_64"), unknown);

    String phone = assertThrows(IllegalArgumentException.class,
        () -> AgentPackage.write("android-arm64", pkg, jar, lib, null)).getMessage();
    assertTrue(phone.contains("./hilnat agent android"), phone);

    Files.delete(lib.resolve(ARM64_NATIVES));
    String missing = assertThrows(IllegalStateException.class,
        () -> AgentPackage.write("linux-arm64", pkg, jar, lib, null)).getMessage();
    assertTrue(missing.startsWith("no TFLite natives for linux-arm64 in lib/"), missing);

    String profile = assertThrows(IllegalArgumentException.class,
        () -> AgentPackage.write("linux-x86_64", pkg, jar, lib, "raspbery-pi-5")).getMessage();
    assertTrue(profile.contains("raspbery-pi-5"), profile);
    String wrongBoard = assertThrows(IllegalArgumentException.class,
        () -> AgentPackage.write("linux-x86_64", pkg, jar, lib, "raspberry-pi-5")).getMessage();
    assertTrue(wrongBoard.contains("is for linux-arm64, not for a linux-x86_64 package"), wrongBoard);
    assertFalse(Files.exists(pkg));
  }

  @Test
  void launcherRefusesAPackageOfAnotherArch() throws Exception {
    assumeX86();
    Path root = unpack(arm64Package());
    Result r = run(List.of(root.resolve("bin/hilnat-agent").toString()),
        Map.of("JAVA_HOME", System.getProperty("java.home")));
    assertEquals(1, r.exit, r.output);
    assertTrue(r.output.contains("this package is for linux-arm64 but this machine is linux-x86_64"), r.output);
    assertTrue(r.output.contains("./hilnat agent package --target linux-x86_64"), r.output);
  }

  @Test
  void launcherSaysHowToInstallJava() throws Exception {
    Path root = unpack(arm64Package());
    Result none = run(List.of(root.resolve("bin/hilnat-agent").toString()), Map.of("PATH", ""));
    assertEquals(1, none.exit, none.output);
    assertTrue(none.output.contains("no Java found") && none.output.contains(APT), none.output);

    Path old = fakeJava("old-jdk/bin/java", "echo 'openjdk version \"11.0.20\" 2023-07-18' >&2");
    Result eleven = run(List.of(root.resolve("bin/hilnat-agent").toString()),
        Map.of("JAVA_HOME", old.getParent().getParent().toString()));
    assertEquals(1, eleven.exit, eleven.output);
    assertTrue(eleven.output.contains("is Java 11") && eleven.output.contains(APT), eleven.output);
  }

  @Test
  void launcherPassesItsSettingsToTheAgent() throws Exception {
    Path root = unpack(arm64Package());
    Path argsFile = tmp.resolve("args");
    Path java = fakeJava("emulated/java", "printf '%s\\n' \"$@\" > " + argsFile);
    Files.writeString(tmp.resolve("-Dx=glob"), "");  // an unquoted HILNAT_JAVA_OPTS would expand onto it
    Result r = run(List.of(root.resolve("bin/hilnat-agent").toString(), "--device-id", "pi"), Map.of(
        "HILNAT_JAVA", java.toString(), "HOME", tmp.resolve("home").toString(), "HILNAT_BIND", "0.0.0.0",
        "HILNAT_TOKEN_FILE", "/etc/hilnat-agent/token", "HILNAT_TLS_CERT", "", "HILNAT_JAVA_OPTS", "-Xmx64m -Dx=*"));
    assertEquals(0, r.exit, r.output);
    assertEquals(List.of("-Xmx64m", "-Dx=*", "-Dhilnat.java=" + java, "-cp", root.resolve("lib") + "/*",
        "io.hilnat.agent.AgentMain", "serve", "--port", "50051", "--bind", "0.0.0.0", "--profile", "raspberry-pi-5",
        "--cache-dir", tmp.resolve("home/.cache/hilnat/models").toString(), "--token-file", "/etc/hilnat-agent/token",
        "--device-id", "pi"), Files.readAllLines(argsFile));
  }

  @Test
  void installsIntoAPrefixAndKeepsTheUsersSettings() throws Exception {
    assumeX86();
    Path root = unpack(arm64Package());
    Path prefix = tmp.resolve("opt/hilnat-agent");
    String install = root.resolve("install.sh").toString();
    Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"));

    Result refused = run(List.of(install, "--prefix", prefix.toString(), "--no-systemd"), env);
    assertEquals(1, refused.exit, refused.output);
    assertTrue(refused.output.contains("linux-arm64") && refused.output.contains("linux-x86_64"), refused.output);
    assertFalse(Files.exists(prefix.resolve("etc/agent.env")));

    List<String> ignoreArch = List.of(install, "--prefix", prefix.toString(), "--no-systemd", "--ignore-arch");
    Result first = run(ignoreArch, env);
    assertEquals(0, first.exit, first.output);
    assertTrue(Files.isExecutable(prefix.resolve("bin/hilnat-agent")));
    assertTrue(Files.isRegularFile(prefix.resolve("lib/" + ARM64_NATIVES)));
    Path envFile = prefix.resolve("etc/agent.env");
    Path token = prefix.resolve("etc/token");
    assertTrue(Files.readString(envFile).contains("\nHILNAT_TOKEN_FILE=" + token + "\n"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
    String secret = Files.readString(token).strip();
    assertTrue(secret.matches("[0-9a-f]{64}"), secret);
    assertTrue(lastLine(first.output).contains("./hilnat agents describe --agent <board-ip>:50051 --token-file"),
        first.output);

    String edited = Files.readString(envFile) + "HILNAT_PORT=50999\n";
    Files.writeString(envFile, edited);
    Result second = run(ignoreArch, env);
    assertEquals(0, second.exit, second.output);
    assertEquals(edited, Files.readString(envFile));
    assertEquals(secret, Files.readString(token).strip());
    assertTrue(lastLine(second.output).contains("<board-ip>:50999"), second.output);
  }

  private Path arm64Package() throws IOException {
    Path pkg = tmp.resolve("agent.tar.gz");
    if (!Files.exists(pkg)) {
      AgentPackage.write("linux-arm64", pkg, jar, lib, "raspberry-pi-5");
    }
    return pkg;
  }

  private Path unpack(Path pkg) throws Exception {
    Path dir = Files.createTempDirectory(tmp, "unpacked");
    Result r = run(List.of("tar", "-xzf", pkg.toString(), "-C", dir.toString()), Map.of());
    assertEquals(0, r.exit, r.output);
    return dir.resolve("hilnat-agent");
  }

  private Path fakeJava(String path, String body) throws IOException {
    Path file = tmp.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/bash\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static void assumeX86() {
    String arch = System.getProperty("os.arch");
    assumeTrue(arch.equals("amd64") || arch.equals("x86_64"), "needs an x86_64 machine to mismatch linux-arm64");
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1];
  }

  record Result(int exit, String output) {}

  /** Runs with this environment less HILNAT_* and JAVA_HOME, plus {@code set}. */
  private Result run(List<String> command, Map<String, String> set) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(tmp.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("HILNAT_") || k.equals("JAVA_HOME"));
    pb.environment().putAll(set);
    Process p = pb.start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running: " + command);
    return new Result(p.exitValue(), output);
  }
}
