package io.hilnat.host.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.host.job.SearchData;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.supernet.SubnetEvaluator;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import io.hilnat.host.supernet.SupernetTrainer;
import io.hilnat.host.supernet.SupernetTraining;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * SSWP-NAS's claim on our data: a subnet fine-tuned on 1 % or 10 % of the labels from the weights it
 * inherited from a (self-supervised) supernet, against the same architecture trained from random
 * initialisation on the same labels for the same steps. Test-set top-1 for each.
 */
public final class LabelScarceBench {

  private LabelScarceBench() {}

  public static ObjectNode run(Path supernetDir, String archText, List<Double> shares, int epochs, Path work,
      PrintStream progress) throws Exception {
    String dataSpec = SupernetCheckpoint.metadata(supernetDir).get("data").asText();
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode report = mapper.createObjectNode().put("benchmark", "label-scarce").put("supernet", supernetDir.toString())
        .put("data", dataSpec).put("epochs", epochs);
    Machine.describe(report.putObject("machine"));
    ArrayNode rows = report.putArray("results");
    try (NDManager manager = NDManager.newBaseManager()) {
      Architecture arch;
      try (Supernet probe = SupernetCheckpoint.load(supernetDir, manager)) {
        arch = ArchitectureFormat.parse(probe.space(), archText);
        report.put("arch", ArchitectureFormat.key(probe.space(), arch));
      }
      for (double share : shares) {
        SearchData data = SearchData.load(dataSpec, 1000, share, 1);
        int labelled = data.labelled().set().count();
        int steps = Math.max(20, epochs * labelled / 64);
        for (boolean preserved : new boolean[] {true, false}) {
          try (NDManager scope = manager.newSubManager()) {
            Supernet net = preserved ? SupernetCheckpoint.load(supernetDir, scope)
                : new Supernet(SupernetCheckpoint.load(supernetDir, scope).space(), data.trainSet().channels(),
                    data.trainSet().classes(), scope, 99);
            SupernetTrainer trainer = new SupernetTrainer(net, data.labelled(), new SupernetTrainer.Config(64, 0.05, 0.9,
                3e-5, 0, 0.1, Math.max(1, steps / 20), 5), scope);
            long start = System.nanoTime();
            SupernetTraining.run(String.format(Locale.ROOT, "%.0f%% %s", 100 * share, preserved ? "preserved" : "random"),
                net, trainer, random -> List.of(arch), work.resolve("ft"), dataSpec, 0, steps, Integer.MAX_VALUE);
            double accuracy = new SubnetEvaluator(data.train(), 960, 200, scope).accuracy(net, arch, data.test());
            rows.addObject().put("labels_share", share).put("labelled_images", labelled)
                .put("init", preserved ? "preserved" : "random").put("steps", steps)
                .put("test_top1_percent", 100 * accuracy).put("train_s", (System.nanoTime() - start) / 1e9);
            progress.printf(Locale.ROOT, "%.0f%% labels, %s init: %.2f %% test top-1%n", 100 * share,
                preserved ? "preserved" : "random", 100 * accuracy);
          }
        }
      }
    }
    return report;
  }
}
