package io.hilnat.agent.pack;

import io.hilnat.agent.core.AgentCore;
import io.hilnat.agent.profile.Platform;
import io.hilnat.agent.profile.ProfileLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A board package: {@code hilnat-agent/} with the launcher, install.sh, the systemd unit, a sample agent.env
 * and lib/ (the agent's jar and its libraries, natives of the target only), as a .tar.gz that installs on a
 * board with nothing but a Java 17 runtime.
 */
public final class AgentPackage {

  public static final List<String> TARGETS = List.of("linux-arm64", "linux-x86_64");

  private static final String DIR = "hilnat-agent";
  private static final String EXECUTABLE = "rwxr-xr-x";
  private static final String READABLE = "rw-r--r--";

  private AgentPackage() {}

  /** Packs the running agent: its jar and the lib/ folder beside it (what the Maven build leaves in target/). */
  public static void write(String target, Path output, String profileOrNull) throws IOException {
    Path jar = runningJar();
    Path lib = jar.resolveSibling("lib");
    if (!Files.isDirectory(lib)) {
      throw new IllegalStateException("no lib/ beside " + jar + ": build the agent first: mvn -DskipTests package");
    }
    write(target, output, jar, lib, profileOrNull);
  }

  public static void write(String target, Path output, Path agentJar, Path libDir, String profileOrNull)
      throws IOException {
    checkTarget(target);
    if (profileOrNull != null) {
      checkProfile(profileOrNull, target);
    }
    if (!Files.isRegularFile(agentJar)) {
      throw new IllegalArgumentException("no agent jar at " + agentJar);
    }
    List<Path> jars = libraries(target, agentJar, libDir);
    Path staging = Files.createTempDirectory("hilnat-agent-package");
    try {
      Path root = staging.resolve(DIR);
      Files.createDirectories(root.resolve("bin"));
      Files.createDirectories(root.resolve("lib"));
      resource("bin/hilnat-agent", root, EXECUTABLE);
      resource("install.sh", root, EXECUTABLE);
      resource("hilnat-agent.service", root, READABLE);
      resource("agent.env", root, READABLE);
      Files.copy(agentJar, root.resolve("lib").resolve(agentJar.getFileName()));
      for (Path jar : jars) {
        Files.copy(jar, root.resolve("lib").resolve(jar.getFileName()));
      }
      text(root.resolve("TARGET"), target);
      text(root.resolve("VERSION"), AgentCore.VERSION);
      if (profileOrNull != null) {
        text(root.resolve("PROFILE"), profileOrNull);
      }
      Path out = output.toAbsolutePath();
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      tar(out, staging);
    } finally {
      delete(staging);
    }
  }

  static void checkTarget(String target) {
    if ("android-arm64".equals(target)) {
      throw new IllegalArgumentException("android-arm64 is a phone: phones use './hilnat agent android' instead"
          + " of a board package");
    }
    if (!TARGETS.contains(target)) {
      throw new IllegalArgumentException("unknown target '" + target + "'; expected one of "
          + String.join(", ", TARGETS));
    }
  }

  /**
   * A built-in id must be in the jar and made for the target (a typo or a wrong board would only show on the
   * board); a YAML path is the board's own file.
   */
  private static void checkProfile(String profile, String target) {
    if (profile.isBlank() || profile.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("--profile '" + profile + "': expected an id such as raspberry-pi-5");
    }
    boolean path = profile.contains("/") || profile.endsWith(".yaml") || profile.endsWith(".yml");
    if (path) {
      return;
    }
    if (AgentPackage.class.getResource("/hardware-profiles/" + profile + ".yaml") == null) {
      throw new IllegalArgumentException("no built-in hardware profile '" + profile
          + "' (see hardware-profiles/); a YAML file on the board is given by its path");
    }
    String platform = ProfileLoader.builtIn(profile).platform();
    if (!platform.equals(target)) {
      throw new IllegalArgumentException("hardware profile '" + profile + "' is for " + platform + ", not for a "
          + target + " package");
    }
  }

  /** libDir's jars, less other platforms' natives; fails when the target's TFLite natives are missing. */
  static List<Path> libraries(String target, Path agentJar, Path libDir) throws IOException {
    if (!Files.isDirectory(libDir)) {
      throw new IllegalArgumentException("no lib/ folder at " + libDir);
    }
    List<Path> all;
    try (Stream<Path> s = Files.list(libDir)) {
      all = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    }
    List<Path> kept = new ArrayList<>();
    List<String> otherPlatforms = new ArrayList<>();
    boolean natives = false;
    for (Path jar : all) {
      String name = jar.getFileName().toString();
      // native jars end in their platform (javacpp's classifier), e.g. tensorflow-lite-2.20.0-1.5.13-linux-arm64.jar
      String platform = Platform.KNOWN.stream().filter(p -> name.endsWith("-" + p + ".jar")).findFirst().orElse(null);
      if (name.equals(agentJar.getFileName().toString())) {
        continue;
      }
      if (platform == null || platform.equals(target)) {
        kept.add(jar);
        natives |= platform != null && name.startsWith("tensorflow-lite-");
      } else if (!otherPlatforms.contains(platform)) {
        otherPlatforms.add(platform);
      }
    }
    if (!natives) {
      throw new IllegalStateException("no TFLite natives for " + target + " in lib/: " + libDir
          + " has no tensorflow-lite-*-" + target + ".jar (natives there: "
          + (otherPlatforms.isEmpty() ? "none" : String.join(", ", otherPlatforms)) + ")");
    }
    return kept;
  }

  private static Path runningJar() {
    Path location;
    try {
      location = Path.of(AgentPackage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new IllegalStateException("cannot tell where the agent's jar is: " + e.getMessage(), e);
    }
    if (!Files.isRegularFile(location) || !location.toString().endsWith(".jar")) {
      throw new IllegalStateException("the agent runs from " + location
          + ", not from its jar: build the agent first: mvn -DskipTests package");
    }
    return location;
  }

  private static void resource(String name, Path root, String permissions) throws IOException {
    try (InputStream in = AgentPackage.class.getResourceAsStream("/dist/" + name)) {
      if (in == null) {
        throw new IllegalStateException("/dist/" + name + " is missing from the agent's jar");
      }
      Path file = root.resolve(name);
      Files.copy(in, file);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    }
  }

  private static void text(Path file, String content) throws IOException {
    Files.writeString(file, content + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(READABLE));
  }

  private static void tar(Path output, Path staging) throws IOException {
    Process tar;
    try {
      tar = new ProcessBuilder("tar", "-czf", output.toString(), "-C", staging.toString(), DIR)
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("cannot run tar (needed to write " + output + "): " + e.getMessage(), e);
    }
    String log = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    try {
      if (tar.waitFor() != 0) {
        Files.deleteIfExists(output);
        throw new IOException("tar failed writing " + output + ": " + log);
      }
    } catch (InterruptedException e) {
      tar.destroy();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted writing " + output, e);
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
