package io.hilnat.host.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Peak resident memory of a supervised search and of a label-free one on the same data and settings, each in a
 * process of its own (as a user runs them), with the ratio: what the label-free path costs in memory.
 */
public final class SearchMemoryBench {

  private SearchMemoryBench() {}

  public static ObjectNode run(List<String> common, String labels, Path work, PrintStream progress)
      throws IOException, InterruptedException {
    ObjectNode report = new ObjectMapper().createObjectNode().put("benchmark", "search-memory")
        .put("settings", String.join(" ", common)).put("labels", labels);
    Machine.describe(report.putObject("machine"));
    double supervised = peakMiB("supervised", common, List.of(), work.resolve("supervised"), progress);
    double labelFree = peakMiB("label-free", common, List.of("--ssl", "--labels", labels), work.resolve("label-free"),
        progress);
    report.put("supervised_peak_resident_mib", supervised).put("label_free_peak_resident_mib", labelFree)
        .put("label_free_over_supervised", labelFree / supervised);
    return report;
  }

  /** Runs {@code hilnat search} in a child JVM and returns its peak resident memory (VmHWM), MiB. */
  private static double peakMiB(String name, List<String> common, List<String> extra, Path out, PrintStream progress)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=" + System.getProperty("ai.djl.offline", "true"), "-Djava.awt.headless=true",
        "-cp", System.getProperty("java.class.path"), "io.hilnat.host.cli.HilnatMain", "search", "--out",
        out.toString()));
    command.addAll(common);
    command.addAll(extra);
    progress.printf("%s search: %s%n", name, String.join(" ", command.subList(command.indexOf("search"),
        command.size())));
    Path log = Files.createTempFile("hilnat-" + name, ".log");
    Process search = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Path status = Path.of("/proc", Long.toString(search.pid()), "status");
    long peakKiB = 0;
    while (search.isAlive()) {
      peakKiB = Math.max(peakKiB, highWaterKiB(status));
      Thread.sleep(200);
    }
    if (search.exitValue() != 0) {
      throw new IllegalStateException(name + " search failed (exit " + search.exitValue() + "); its log: " + log);
    }
    progress.printf("%s search: peak %.0f MiB resident%n", name, peakKiB / 1024.0);
    Files.deleteIfExists(log);
    return peakKiB / 1024.0;
  }

  /** VmHWM: the most the process has had resident so far. */
  private static long highWaterKiB(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0; // gone between the check and the read
    }
    return 0;
  }
}
