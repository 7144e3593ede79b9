package io.hilnat.host.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a benchmark ran on, for its JSON. */
public final class Machine {

  private Machine() {}

  public static void describe(ObjectNode node) {
    node.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    node.put("arch", System.getProperty("os.arch"));
    node.put("cores", Runtime.getRuntime().availableProcessors());
    node.put("java", System.getProperty("java.version"));
    node.put("cpu", cpuModel());
    node.put("memory_gib", Math.round(totalMemoryGib() * 10) / 10.0);
    node.put("memory_settings", memorySettings());
  }

  /** The allocator settings the launcher exports, which move training speed and resident memory. */
  private static String memorySettings() {
    StringBuilder s = new StringBuilder();
    for (String name : new String[] {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_ARENA_MAX",
        "THP_MEM_ALLOC_ENABLE"}) {
      s.append(s.isEmpty() ? "" : " ").append(name).append('=').append(System.getenv(name));
    }
    try {
      s.append(" transparent_hugepage=").append(Files.readString(
          Path.of("/sys/kernel/mm/transparent_hugepage/enabled")).strip());
    } catch (IOException e) {
      s.append(" transparent_hugepage=unknown");
    }
    return s.toString();
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static double totalMemoryGib() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
          .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0).orElse(0.0);
    } catch (IOException e) {
      return 0;
    }
  }
}
