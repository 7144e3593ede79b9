package io.hilnat.host.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.host.search.Archives;
import io.hilnat.host.search.Limit;
import io.hilnat.host.search.Hypervolumes;
import io.hilnat.host.search.Objective;
import io.hilnat.host.search.Pareto;
import io.hilnat.host.search.NatSearch;
import io.hilnat.host.search.RunStore;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes a run's results from its store alone: the front as CSV and JSON, every evaluation as CSV, the
 * front per iteration and predicted-vs-true plots, run metrics, and a Markdown report with the surrogate
 * chosen each iteration, its τ on the next real evaluations, and hypervolume per iteration.
 */
public final class SearchReport {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Store key: why the validation errors of this run read optimistic, shown at the report's top. */
  public static final String VALIDATION_WARNING = "validation_warning";

  private SearchReport() {}

  /** The iterations' time that no timer of its own covers. */
  private static final String REST = "rest";
  /** Timers of the run as metrics.json names them, and how the report calls them, in the order things happen. */
  private static final String[][] TIME_PARTS = {
      {"hilnat.search.phase.warm-up", "warm-up (or loading the supernet)"},
      {"hilnat.search.phase.iterations", "initial archive and iterations, of which:"},
      {"hilnat.search.evaluation.supernet", "— accuracy evaluations (inherited weights)"},
      {"hilnat.search.evaluation.device", "— latency/energy measurements on agents"},
      {"hilnat.search.evaluation.proxy", "— training-free proxies"},
      {"hilnat.search.phase.adaptation", "— supernet adaptation"},
      {REST, "— surrogates, evolutionary search, store"},
      {"hilnat.search.phase.final test", "final test of the front and export"},
      {"hilnat.search.phase.fine-tune", "fine-tune"}};

  public static void write(RunStore store, SearchSpace space, List<Objective> objectives, List<Limit> limits,
      Path run, MeterRegistry metrics) throws Exception {
    List<RunStore.Row> rows = store.rows();
    int last = rows.stream().mapToInt(RunStore.Row::iteration).max().orElse(0);
    int finalStage = last;
    StringBuilder all = new StringBuilder("iteration,arch_key,objective,value,source,created_at\n");
    for (RunStore.Row r : rows) {
      all.append(String.format(Locale.ROOT, "%d,\"%s\",%s,%.6g,%s,%s%n", r.iteration(), r.archKey(),
          r.measurement().objective(), r.measurement().value(), r.measurement().source(), r.createdAt()));
    }
    Files.writeString(run.resolve("evaluations.csv"), all);

    Map<String, Map<String, Double>> archive = store.archive(finalStage);
    // the front within the constraints: what was tested and exported, and nothing that breaks a limit
    List<String> front = Archives.feasibleFront(archive, objectives, limits);
    StringBuilder csv = new StringBuilder("arch_key");
    objectives.forEach(o -> csv.append(',').append(o.name()));
    csv.append(",test_top1_percent,test_top1_int8_percent,model,arch_json\n");
    ArrayNode json = JSON.createArrayNode();
    for (String k : front) {
      Map<String, Double> v = archive.get(k);
      csv.append('"').append(k).append('"');
      ObjectNode node = json.addObject().put("arch_key", k);
      for (Objective o : objectives) {
        csv.append(String.format(Locale.ROOT, ",%.5g", o.display(v.get(o.name()))));
        node.put(o.name(), o.display(v.get(o.name())));
      }
      Double testError = v.get(FinalStage.TEST_ERROR);
      Path model = run.resolve("models").resolve("subnet-" + k.replace(',', '-') + ".tflite");
      String modelName = Files.exists(model) ? run.relativize(model).toString() : "";
      Double int8Error = v.get(FinalStage.INT8_TEST_ERROR);
      csv.append(testError == null ? "," : String.format(Locale.ROOT, ",%.2f", 100 * (1 - testError)))
          .append(int8Error == null ? "," : String.format(Locale.ROOT, ",%.2f", 100 * (1 - int8Error)))
          .append(',').append(modelName).append(",\"")
          .append(ArchitectureFormat.toJson(ArchitectureFormat.parse(space, k)).replace("\"", "\"\"")).append("\"\n");
      if (testError != null) {
        node.put("test_top1_percent", 100 * (1 - testError));
      }
      if (int8Error != null) {
        node.put("test_top1_int8_percent", 100 * (1 - int8Error));
      }
      node.put("model", modelName).set("arch", JSON.readTree(ArchitectureFormat.toJson(ArchitectureFormat.parse(space,
          k))));
    }
    Files.writeString(run.resolve("pareto.csv"), csv);
    JSON.writerWithDefaultPrettyPrinter().writeValue(run.resolve("pareto.json").toFile(), json);

    List<String> finalMeasures = List.of(FinalStage.TEST_ERROR, FinalStage.FINE_TUNED_TEST_ERROR,
        FinalStage.INT8_TEST_ERROR);
    int iterations = (int) rows.stream().filter(r -> !finalMeasures.contains(r.measurement().objective()))
        .mapToInt(RunStore.Row::iteration).max().orElse(0);
    List<double[]> initial = Archives.vectors(store.archive(0), objectives);
    double[][] bounds = Hypervolumes.bounds(initial);
    List<Double> hypervolumes = new ArrayList<>();
    XYChart fronts = new XYChartBuilder().width(900).height(600).title("Archive front after each iteration")
        .xAxisTitle(objectives.size() > 1 ? objectives.get(1).label() : "").yAxisTitle(objectives.get(0).label())
        .build();
    fronts.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    for (int it = 0; it <= iterations; it++) {
      Map<String, Map<String, Double>> a = store.archive(it);
      List<double[]> p = Archives.vectors(a, objectives);
      hypervolumes.add(Hypervolumes.of(p, bounds[0], bounds[1]));
      if (objectives.size() > 1 && (it == 0 || it == iterations || iterations <= 6 || it % Math.max(1,
          iterations / 5) == 0)) {
        List<double[]> f = new ArrayList<>();
        Pareto.front(p).forEach(i -> f.add(p.get(i)));
        f.sort(java.util.Comparator.comparingDouble(q -> q[1]));
        XYSeries s = fronts.addSeries("iteration " + it, f.stream().mapToDouble(q -> objectives.get(1).display(q[1]))
            .toArray(),
            f.stream().mapToDouble(q -> objectives.get(0).display(q[0])).toArray());
        s.setMarker(SeriesMarkers.CIRCLE);
      }
    }
    if (objectives.size() > 1) {
      BitmapEncoder.saveBitmap(fronts, run.resolve("front-per-iteration.png").toString(),
          BitmapEncoder.BitmapFormat.PNG);
    }
    predictedVsTrue(store, objectives.get(0), run);

    ObjectNode metricsJson = JSON.createObjectNode();
    for (Meter meter : metrics.getMeters()) {
      if (meter instanceof Timer t) {
        metricsJson.putObject(meter.getId().getName() + "." + meter.getId().getTag("kind")).put("count", t.count())
            .put("total_s", t.totalTime(TimeUnit.SECONDS)).put("mean_s", t.mean(TimeUnit.SECONDS));
      }
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(run.resolve("metrics.json").toFile(), metricsJson);

    StringBuilder md = new StringBuilder("# hilnat search report\n\n");
    md.append(String.format("Run folder `%s`; store `run.db`. Options: `%s`.%n%n", run.toAbsolutePath(),
        store.meta("options").orElse("")));
    store.meta(VALIDATION_WARNING).ifPresent(w -> md.append("**Warning:** ").append(w).append("\n\n"));
    md.append("## Iterations\n\n| iteration | real evaluations | hypervolume | surrogate (objective: model, "
        + "cross-validated τ (≤ 10 folds), τ on this "
        + "iteration's real results) |\n|---|---|---|---|\n");
    for (int it = 0; it <= iterations; it++) {
      int n = store.planned(it).size();
      StringBuilder sur = new StringBuilder();
      for (RunStore.SurrogateChoice c : store.surrogates()) {
        if (c.iteration() == it) {
          sur.append(String.format(Locale.ROOT, "%s: %s, %.3f ± %.3f, %s; ", c.objective(), c.model(), c.cvMeanTau(),
              c.cvStdTau(), c.nextTau() == null ? "–" : String.format(Locale.ROOT, "%.3f", c.nextTau())));
        }
      }
      md.append(String.format(Locale.ROOT, "| %d | %d | %.4f | %s |%n", it, n, hypervolumes.get(it),
          sur.length() == 0 ? (it == 0 ? "initial archive" : "–") : sur.toString()));
    }
    store.meta(NatSearch.STOPPED_AFTER).ifPresent(k -> md.append(String.format(
        "%nThe time limit (`--time-limit`) ended the search after iteration %s.%n", k)));
    md.append("\nHypervolume is normalised: the initial archive's per-objective minimum is 0, 1.01 × its maximum is "
        + "1.\n");
    md.append("\n## Time\n\nWall-clock seconds of this process (a resumed run counts only its own).\n\n"
        + "| part | count | seconds |\n|---|---|---|\n");
    double rest = metricsJson.path("hilnat.search.phase.iterations").path("total_s").asDouble();
    for (String[] part : TIME_PARTS) {
      JsonNode t = metricsJson.get(part[0]);
      if (part[0].equals(REST) && metricsJson.has("hilnat.search.phase.iterations")) {
        md.append(String.format(Locale.ROOT, "| %s | | %.1f |%n", part[1], rest));
      } else if (part[1].startsWith("—") && t != null) {
        rest -= t.get("total_s").asDouble();
      }
      if (t != null) {
        md.append(String.format(Locale.ROOT, "| %s | %d | %.1f |%n", part[1], t.get("count").asLong(),
            t.get("total_s").asDouble()));
      }
    }
    md.append("\n## Front (validation error during the search; test top-1 with the final weights)\n\n");
    if (!limits.isEmpty()) {
      md.append(front.isEmpty()
          ? "**No subnet of the archive is within " + limits + "**: nothing was tested or exported.\n\n"
          : "Only subnets within " + limits + ".\n\n");
    }
    md.append("| arch |");
    objectives.forEach(o -> md.append(' ').append(o.label()).append(" |"));
    md.append(" test top-1 (%) | model |\n|---|");
    objectives.forEach(o -> md.append("---|"));
    md.append("---|---|\n");
    for (ObjectNode node : iterate(json)) {
      md.append("| `").append(node.get("arch_key").asText()).append("` |");
      for (Objective o : objectives) {
        md.append(String.format(Locale.ROOT, " %.3f |", node.get(o.name()).asDouble()));
      }
      md.append(node.has("test_top1_percent") ? String.format(Locale.ROOT, " %.2f |", node.get("test_top1_percent")
          .asDouble()) : " |").append(' ').append(node.get("model").asText()).append(" |\n");
    }
    for (RunStore.Row r : rows) {
      if (r.measurement().objective().equals(FinalStage.FINE_TUNED_TEST_ERROR)) {
        String k = r.archKey();
        JsonNode detail = JSON.readTree(r.measurement().detail());
        md.append(String.format(Locale.ROOT, "%n## Fine-tuned%n%nThe front's most accurate subnet `%s`, fine-tuned "
            + "alone "
            + "from its inherited weights for %d steps (%.1f min) on %d labelled images: test top-1 **%.2f %%** "
            + "(inherited %.2f %%); model `%s`.%n", k, detail.get("steps").asLong(), detail.get("seconds")
            .asDouble() / 60,
            detail.get("labelled_images").asLong(), 100 * (1 - r.measurement().value()),
            100 * (1 - archive.get(k).get(FinalStage.TEST_ERROR)),
            run.relativize(FinalStage.fineTunedModel(run, k))));
      }
    }
    md.append("\nFiles: `pareto.csv`, `pareto.json`, `evaluations.csv` (every measurement with its source), "
        + "`front-per-iteration.png`, `predicted-vs-true.png`, `metrics.json`, `models/`.\n");
    Files.writeString(run.resolve("report.md"), md);
  }

  private static List<ObjectNode> iterate(ArrayNode array) {
    List<ObjectNode> out = new ArrayList<>();
    array.forEach(n -> out.add((ObjectNode) n));
    return out;
  }

  /** Each iteration's predicted values of {@code objective} against what the real evaluation gave. */
  private static void predictedVsTrue(RunStore store, Objective objective, Path run) throws Exception {
    XYChart chart = new XYChartBuilder().width(700).height(600).title("Surrogate: predicted vs measured")
        .xAxisTitle("predicted " + objective.label()).yAxisTitle("measured " + objective.label()).build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    boolean any = false;
    for (int it = 1; !store.planned(it).isEmpty(); it++) {
      Map<String, Map<String, Double>> real = store.archive(it);
      List<double[]> pairs = new ArrayList<>();
      for (RunStore.Candidate c : store.planned(it)) {
        Double p = c.predicted().get(objective.name());
        Double r = real.getOrDefault(c.archKey(), Map.of()).get(objective.name());
        if (p != null && r != null) {
          pairs.add(new double[] {objective.display(p), objective.display(r)});
        }
      }
      if (!pairs.isEmpty()) {
        chart.addSeries("iteration " + it, pairs.stream().mapToDouble(q -> q[0]).toArray(),
            pairs.stream().mapToDouble(q -> q[1]).toArray());
        any = true;
      }
    }
    if (any) {
      BitmapEncoder.saveBitmap(chart, run.resolve("predicted-vs-true.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }
  }
}
