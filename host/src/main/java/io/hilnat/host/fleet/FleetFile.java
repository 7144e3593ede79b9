package io.hilnat.host.fleet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the list of agents of a fleet, so a lab's devices are written down once. Two forms:
 *
 * <ul>
 *   <li>plain lines {@code host:port [device-kind]} (or {@code adb:[serial] [device-kind]}, see
 *       {@link FleetEntry}); blank lines and {@code #} comments are skipped;
 *   <li>YAML ({@code .yaml}/{@code .yml}): {@code agents:} followed by a list whose items are either such a
 *       string or a map {@code {target: host:port, kind: device-kind, token_file: FILE, tls_cert: CERT}}.
 * </ul>
 *
 * A relative token or certificate path is read from the fleet file's folder. Every error names the file, the line
 * and what was expected there.
 */
public final class FleetFile {

  private static final String YAML_EXPECTED = "`agents:` followed by a list of `host:port [device-kind]` "
      + "strings or `{target: host:port, kind: device-kind, token_file: FILE, tls_cert: CERT}` maps";

  private FleetFile() {}

  public static List<FleetEntry> read(Path file) throws IOException {
    String name = file.getFileName().toString();
    boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
    List<FleetEntry> entries = yaml ? readYaml(file) : readLines(file);
    if (entries.isEmpty()) {
      throw new FleetException(file + ": no agents listed; expected "
          + (yaml ? YAML_EXPECTED : "lines " + FleetEntry.EXPECTED));
    }
    return entries;
  }

  private static List<FleetEntry> readLines(Path file) throws IOException {
    List<FleetEntry> entries = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (!content.isEmpty()) {
        entries.add(parse(file, i + 1, content));
      }
    }
    return entries;
  }

  private static List<FleetEntry> readYaml(Path file) throws IOException {
    YAMLMapper mapper = new YAMLMapper();
    List<FleetEntry> entries = new ArrayList<>();
    try (JsonParser p = mapper.createParser(file.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME
          || !p.currentName().equals("agents") || p.nextToken() != JsonToken.START_ARRAY) {
        throw error(file, p, YAML_EXPECTED);
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        int line = p.currentTokenLocation().getLineNr();
        JsonNode item = mapper.readTree(p);
        if (item.isTextual()) {
          entries.add(parse(file, line, item.asText()));
        } else if (item.isObject() && item.has("target") && item.get("target").isTextual()
            && Set.of("target", "kind", "token_file", "tls_cert").containsAll(fieldNames(item))
            && fieldNames(item).stream().allMatch(f -> item.get(f).isTextual())) {
          try {
            entries.add(resolved(file, new FleetEntry(item.get("target").asText(), text(item, "kind"),
                text(item, "token_file"), text(item, "tls_cert"))));
          } catch (IllegalArgumentException e) {
            throw new FleetException(file + " line " + line + ": " + e.getMessage());
          }
        } else {
          throw new FleetException(file + " line " + line + ": expected " + FleetEntry.EXPECTED + " or "
              + "`{target: host:port, kind: device-kind, token_file: FILE, tls_cert: CERT}`, got " + item);
        }
      }
      if (p.nextToken() != JsonToken.END_OBJECT) {
        throw error(file, p, "nothing after the `agents:` list");
      }
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw new FleetException(file + " line " + line + ": not valid YAML (" + e.getOriginalMessage()
          + "); expected " + YAML_EXPECTED, e);
    }
    return entries;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String text(JsonNode item, String field) {
    return item.has(field) ? item.get(field).asText() : null;
  }

  /** The entry with its token and certificate paths taken from the fleet file's folder when relative. */
  private static FleetEntry resolved(Path file, FleetEntry e) {
    Path dir = file.toAbsolutePath().getParent();
    return new FleetEntry(e.target(), e.declaredKind(), e.tokenFile() == null ? null
        : dir.resolve(e.tokenFile()).toString(), e.trustCert() == null ? null : dir.resolve(e.trustCert()).toString());
  }

  private static FleetEntry parse(Path file, int line, String content) {
    try {
      return resolved(file, FleetEntry.parse(content));
    } catch (IllegalArgumentException e) {
      throw new FleetException(file + " line " + line + ": " + e.getMessage());
    }
  }

  private static FleetException error(Path file, JsonParser p, String expected) {
    return new FleetException(file + " line " + p.currentTokenLocation().getLineNr() + ": expected " + expected);
  }
}
