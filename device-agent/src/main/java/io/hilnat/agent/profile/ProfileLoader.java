package io.hilnat.agent.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Reads hardware profiles; every error names the file and the field and says what was expected. */
public final class ProfileLoader {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> FIELDS = Set.of("id", "name", "platform", "runtime", "default_threads",
      "affinity", "delegates", "default_delegate", "energy", "thermal_zones", "caveats");
  private static final Set<String> ENERGY_FIELDS = Set.of("source", "path", "rails", "sample_hz",
      "current_to_milliamps", "voltage_to_volts", "discharge_sign");
  private static final List<String> RUNTIMES = List.of("tflite");

  private ProfileLoader() {}

  public static HardwareProfile load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ProfileException(file + ": hardware profile not found");
    }
    try {
      return parse(YAML.readTree(file.toFile()), file.toString());
    } catch (IOException e) {
      throw new ProfileException(file + ": not valid YAML: " + e.getMessage().split("\n")[0]);
    }
  }

  /** A profile by file path, or else by the id of a built-in one (e.g. raspberry-pi-5). */
  public static HardwareProfile fileOrBuiltIn(String fileOrId) {
    Path file = Path.of(fileOrId);
    return Files.isRegularFile(file) || fileOrId.contains("/") || fileOrId.endsWith(".yaml")
        ? load(file) : builtIn(fileOrId);
  }

  /**
   * The profile must describe this machine: a Raspberry Pi's profile on an x86 machine would label x86
   * latencies as the Pi's. Returns "" when it does; with {@code allowMismatch} (tests that need several
   * device kinds on one machine) returns the override's description, which every result then carries.
   */
  public static String checkPlatform(HardwareProfile profile, String machine, boolean allowMismatch) {
    if (profile.platform().equals(machine)) {
      return "";
    }
    if (!allowMismatch) {
      throw new ProfileException("hardware profile '" + profile.id() + "' is for " + profile.platform()
          + ", but this machine is " + machine + ": start the agent on a " + profile.platform()
          + " device, or use a profile for " + machine + " (e.g. --profile " + machine + ")");
    }
    return "profile " + profile.id() + " (" + profile.platform() + ") run on a " + machine
        + " machine by --allow-profile-mismatch: its measurements are not " + profile.id() + "'s";
  }

  /** A profile bundled in the agent's jar, by id (e.g. linux-x86_64). */
  public static HardwareProfile builtIn(String id) {
    String resource = "/hardware-profiles/" + id + ".yaml";
    try (InputStream in = ProfileLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ProfileException("no built-in hardware profile '" + id + "'; pass --profile FILE");
      }
      return parse(YAML.readTree(in), resource);
    } catch (IOException e) {
      throw new ProfileException(resource + ": " + e.getMessage());
    }
  }

  static HardwareProfile parse(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new ProfileException(source + ": expected a YAML mapping at the top level");
    }
    unknownFields(root, FIELDS, source, "");
    JsonNode energy = root.get("energy");
    HardwareProfile.EnergySource energySource = HardwareProfile.EnergySource.none();
    if (energy != null) {
      unknownFields(energy, ENERGY_FIELDS, source, "energy.");
      String kind = text(energy, "source", source, "energy.source");
      if (!HardwareProfile.EnergySource.SOURCES.contains(kind)) {
        throw new ProfileException(source + ": field 'energy.source' is '" + kind + "'; expected one of "
            + HardwareProfile.EnergySource.SOURCES);
      }
      energySource = new HardwareProfile.EnergySource(kind,
          energy.path("path").asText(""),
          strings(energy, "rails", source, "energy.rails"),
          positive(energy, "sample_hz", 50, source, "energy.sample_hz"),
          number(energy, "current_to_milliamps", 1, source),
          number(energy, "voltage_to_volts", 1, source),
          (int) number(energy, "discharge_sign", 1, source));
      if (energySource.dischargeSign() != 1 && energySource.dischargeSign() != -1) {
        throw new ProfileException(source + ": field 'energy.discharge_sign' must be 1 or -1");
      }
    }
    String runtime = text(root, "runtime", source, "runtime");
    if (!RUNTIMES.contains(runtime)) {
      throw new ProfileException(source + ": field 'runtime' is '" + runtime + "'; expected one of " + RUNTIMES);
    }
    JsonNode threads = root.get("default_threads");
    if (threads == null || !threads.isInt() || threads.asInt() < 1) {
      throw new ProfileException(source + ": field 'default_threads' must be a positive integer, got " + threads);
    }
    List<Integer> affinity = new ArrayList<>();
    JsonNode cpus = root.get("affinity");
    if (cpus != null) {
      if (!cpus.isArray()) {
        throw new ProfileException(source + ": field 'affinity' must be a list of CPU numbers");
      }
      for (JsonNode cpu : cpus) {
        if (!cpu.isInt() || cpu.asInt() < 0) {
          throw new ProfileException(source + ": field 'affinity' must hold CPU numbers, got " + cpu);
        }
        affinity.add(cpu.asInt());
      }
    }
    String platform = text(root, "platform", source, "platform");
    if (!Platform.KNOWN.contains(platform)) {
      throw new ProfileException(source + ": field 'platform' is '" + platform + "'; expected one of "
          + Platform.KNOWN);
    }
    List<String> delegates = strings(root, "delegates", source, "delegates");
    String defaultDelegate = text(root, "default_delegate", source, "default_delegate");
    if (!delegates.contains(defaultDelegate)) {
      throw new ProfileException(source + ": field 'default_delegate' is '" + defaultDelegate
          + "', which is not among its 'delegates' " + delegates);
    }
    return new HardwareProfile(
        text(root, "id", source, "id"),
        text(root, "name", source, "name"),
        platform,
        runtime,
        threads.asInt(),
        affinity,
        delegates,
        defaultDelegate,
        energySource,
        strings(root, "thermal_zones", source, "thermal_zones"),
        strings(root, "caveats", source, "caveats"));
  }

  private static void unknownFields(JsonNode node, Set<String> known, String source, String prefix) {
    if (!node.isObject()) {
      throw new ProfileException(source + ": field '" + prefix.replaceAll("\\.$", "") + "' must be a mapping");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!known.contains(field)) {
        throw new ProfileException(source + ": unknown field '" + prefix + field + "'; known: " + known);
      }
    }
  }

  private static String text(JsonNode node, String field, String source, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new ProfileException(source + ": field '" + path + "' is missing or not text");
    }
    return value.asText();
  }

  private static List<String> strings(JsonNode node, String field, String source, String path) {
    JsonNode list = node.get(field);
    if (list == null) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new ProfileException(source + ": field '" + path + "' must be a list of strings");
    }
    List<String> values = new ArrayList<>();
    list.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static double number(JsonNode node, String field, double fallback, String source) {
    JsonNode value = node.get(field);
    if (value == null) {
      return fallback;
    }
    if (!value.isNumber()) {
      throw new ProfileException(source + ": field 'energy." + field + "' must be a number, got " + value);
    }
    return value.asDouble();
  }

  private static double positive(JsonNode node, String field, double fallback, String source, String path) {
    double v = number(node, field, fallback, source);
    if (v <= 0) {
      throw new ProfileException(source + ": field '" + path + "' must be positive, got " + v);
    }
    return v;
  }
}
