package io.hilnat.host.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.host.search.RunStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short real search (micro space, Fashion-MNIST, warmed-up supernet) that minimises error and
 * the NTK condition number, its initial archive seeded by the proxies' best of 12 random subnets and no agent
 * started (no objective is measured on a device): every subnet it evaluates gets a κ in the store, the surrogate
 * search models κ,
 * the report shows it, the most accurate subnet is fine-tuned at the end and exported, and running the finished
 * search again repeats nothing.
 */
class ProxySearchTest {

  @TempDir Path dir;

  @Test
  void searchWithNtkAsAnObjectiveStoresItForEverySubnetItEvaluates() throws Exception {
    Path run = dir.resolve("run");
    SearchOptions options = SearchOptions.builder().space("src/test/resources/spaces/micro.yaml").warmupSteps(3)
        .batch(16)
        .objectives(List.of("error", "ntk")).initialSamples(6).iterations(1).candidates(3).population(20)
        .generations(3).adaptSteps(2).validationImages(200).calibrationImages(32).benchmarkRuns(5).exportTop(1)
        .fineTuneMinutes(0.1).proxyPool(12).ntkImages(8).regionInputs(100).build();
    StringWriter log = new StringWriter();
    new SearchJob(run, new PrintWriter(log, true)).execute(options);

    List<RunStore.Row> rows;
    try (RunStore store = RunStore.open(run)) {
      rows = store.rows();
      int evaluated = 0;
      for (int it = 0; it <= 1; it++) {
        for (RunStore.Candidate c : store.planned(it)) {
          List<RunStore.Row> ntk = rows.stream().filter(r -> r.iteration() == c.iteration()
              && r.archKey().equals(c.archKey()) && r.measurement().objective().equals("ntk")).toList();
          assertEquals(1, ntk.size(), c + " has one NTK condition number");
          double kappa = ntk.get(0).measurement().value();
          assertTrue(kappa >= 1 && Double.isFinite(kappa), c + ": kappa " + kappa);
          assertEquals("proxy@init", ntk.get(0).measurement().source());
          assertTrue(ntk.get(0).measurement().detail().contains("\"ntk_images\":8,\"region_inputs\":100"),
              "the proxies' settings given to the search: " + ntk.get(0).measurement().detail());
          evaluated++;
        }
      }
      assertEquals(6 + 3, evaluated, log.toString());
      assertTrue(store.planned(0).stream().allMatch(c -> c.origin().equals("initial (seeded)")),
          "the initial archive is marked as the proxies' pick: " + store.planned(0));
      assertTrue(log.toString().contains("the best of 12 random by the seeder"), log.toString());
      assertTrue(!log.toString().contains("agent"), "no device objective, so no agent: " + log);
      assertTrue(store.surrogates().stream().anyMatch(s -> s.iteration() == 1 && s.objective().equals("ntk")),
          "iteration 1 searched a surrogate of kappa");
    }
    assertTrue(Files.readString(run.resolve("pareto.csv")).startsWith("arch_key,error,ntk,"));
    assertTrue(Files.readString(run.resolve("report.md")).contains("NTK condition number"));

    try (RunStore store = RunStore.open(run)) {
      List<RunStore.Row> tuned = rows.stream().filter(r -> r.measurement().objective().equals("test_error_fine_tuned"))
          .toList();
      assertEquals(1, tuned.size(), "the front's most accurate subnet is fine-tuned once");
      String key = tuned.get(0).archKey();
      double lowest = store.archive(1).values().stream().mapToDouble(v -> v.get("error")).min().orElseThrow();
      assertEquals(lowest, store.archive(1).get(key).get("error"), "the subnet of lowest error was fine-tuned");
      assertTrue(Files.size(run.resolve("models").resolve("subnet-" + key.replace(',', '-') + "-fine-tuned.tflite"))
          > 1000);
    }
    String report = Files.readString(run.resolve("report.md"));
    assertTrue(report.contains("## Fine-tuned"), report);
    assertTrue(report.contains("| warm-up (or loading the supernet) | 1 |") && report.contains("| — training-free "
        + "proxies | 9 |") && report.contains("| fine-tune | 1 |"), "the time table counts each part: " + report);
    new SearchJob(run, new PrintWriter(new StringWriter(), true)).execute(null);
    try (RunStore store = RunStore.open(run)) {
      assertEquals(rows, store.rows(), "a finished search run again evaluates nothing twice");
    }
  }
}
