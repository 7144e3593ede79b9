package io.hilnat.agent.energy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** {@code /sys/class/thermal/thermal_zone*}: {@code type} and {@code temp} in millidegrees Celsius. */
public final class ThermalZones {

  private final Map<String, Path> zones = new LinkedHashMap<>();

  /** Zones under {@code thermalClass} whose type is in {@code wanted} (all when empty). */
  public ThermalZones(Path thermalClass, List<String> wanted) {
    if (!Files.isDirectory(thermalClass)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(thermalClass).sorted()) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        Path type = dir.resolve("type");
        if (dir.getFileName().toString().startsWith("thermal_zone") && Files.isRegularFile(type)) {
          String name = Sysfs.text(type);
          if (wanted.isEmpty() || wanted.contains(name)) {
            zones.putIfAbsent(name, dir.resolve("temp"));
          }
        }
      }
    } catch (IOException e) {
      zones.clear();
    }
  }

  public List<String> names() {
    return new ArrayList<>(zones.keySet());
  }

  /** Current temperatures; zones that can't be read right now are left out. */
  public Map<String, Double> read() {
    Map<String, Double> celsius = new LinkedHashMap<>();
    for (Map.Entry<String, Path> zone : zones.entrySet()) {
      try {
        celsius.put(zone.getKey(), Sysfs.number(zone.getValue()) / 1000.0);
      } catch (IOException e) {
        // a zone that stops answering is skipped, not fatal
      }
    }
    return celsius;
  }
}
