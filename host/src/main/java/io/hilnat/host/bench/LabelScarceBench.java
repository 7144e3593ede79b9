package io.hilnat.host.bench;

import io.hilnat.host.engine.ChannelsLast;
import io.hilnat.host.engine.ComputeDevice;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.host.job.SearchData;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.supernet.KnnProbe;
import io.hilnat.host.supernet.SubnetEvaluator;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import io.hilnat.host.supernet.training.SupernetTrainer;
import io.hilnat.host.supernet.training.SupernetTraining;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * SSWP-NAS's claim on our data: a subnet fine-tuned on 1 % or 10 % of the labels from the weights it inherited from
 * a (self-supervised) supernet, against the baselines a user would try first, each with the same fine-tuning steps
 * on the same labels: the same architecture trained from random initialisation, and (unless {@code supervisedSteps}
 * is 0) a supernet trained with labels on the labelled share alone, sandwich rule, whose subnet is then fine-tuned.
 * Test-set top-1 for each, and the k-NN top-1 of each start before its fine-tune (the labelled share as the bank):
 * whether the features carry the classes at all.
 */
public final class LabelScarceBench {

  private static final String[] INITS = {"preserved", "random", "supervised"};

  private LabelScarceBench() {}

  /**
   * For each label share and each of {@code seeds} seeds (a different labelled subset, training order and random
   * initialisation), fine-tunes from the preserved weights and from each baseline; rows per run and, per share and
   * initialisation, the mean and standard deviation over the seeds, and how many of the larger standard deviation
   * the preserved weights lead random initialisation by; and, seed by seed (the same labelled images for every start),
   * how often the preserved weights win and the spread of their lead.
   */
  public static ObjectNode run(Path supernetDir, String archText, List<Double> shares, int epochs, int seeds,
      int supervisedSteps, Path work, PrintStream progress) throws Exception {
    String dataSpec = SupernetCheckpoint.metadata(supernetDir).get("data").asText();
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode report = mapper.createObjectNode().put("benchmark", "label-scarce").put("supernet", supernetDir
        .toString())
        .put("data", dataSpec).put("epochs", epochs).put("seeds", seeds).put("supervised_supernet_steps",
            supervisedSteps);
    Machine.describe(report.putObject("machine"));
    ArrayNode rows = report.putArray("results");
    ArrayNode summary = report.putArray("summary");
    int inits = supervisedSteps > 0 ? 3 : 2;
    try (NDManager manager = ComputeDevice.newManager()) {
      report.put("activations", ChannelsLast.name(manager.getDevice()));
      Architecture arch;
      SearchSpace space = SupernetCheckpoint.space(supernetDir);
      arch = ArchitectureFormat.parse(space, archText);
      report.put("arch", ArchitectureFormat.key(space, arch));
      for (double share : shares) {
        double[][] accuracies = new double[inits][seeds];
        double[][] knn = new double[inits][seeds];
        for (int seed = 1; seed <= seeds; seed++) {
          SearchData data = SearchData.load(dataSpec, 1000, share, seed);
          int labelled = data.labelled().set().count();
          int steps = Math.max(20, epochs * labelled / 64);
          for (int init = 0; init < inits; init++) {
            try (NDManager scope = manager.newSubManager()) {
              long start = System.nanoTime();
              String task = String.format(Locale.ROOT, "%.0f%% %s seed %d", 100 * share, INITS[init], seed);
              Supernet net = init == 0 ? SupernetCheckpoint.load(supernetDir, scope)
                  : new Supernet(SupernetCheckpoint.space(supernetDir), data.trainSet().channels(),
                      data.trainSet().classes(), scope, 98 + seed);
              if (init == 2) {
                SupernetTrainer sandwich = new SupernetTrainer(net, data.labelled(), new SupernetTrainer.Config(64,
                    0.05, 0.9, 3e-5, 2, 0.1, Math.max(1, supervisedSteps / 20), 40 + seed), scope);
                SupernetTraining.run(task + " supernet", net, sandwich, sandwich::sandwich, work.resolve("sandwich"),
                    dataSpec, 0, supervisedSteps, Integer.MAX_VALUE);
              }
              SubnetEvaluator evaluator = new SubnetEvaluator(data.train(), 960, 200, scope);
              double knnBefore = 100 * new KnnProbe(evaluator, 10, 200, scope).accuracy(net, arch, data.labelled(),
                  data.test());
              knn[init][seed - 1] = knnBefore;
              SupernetTrainer trainer = new SupernetTrainer(net, data.labelled(), new SupernetTrainer.Config(64, 0.05,
                  0.9, 3e-5, 0, 0.1, Math.max(1, steps / 20), 4 + seed), scope);
              SupernetTraining.run(task, net, trainer, random -> List.of(arch), work.resolve("ft"), dataSpec, 0, steps,
                  Integer.MAX_VALUE);
              double accuracy = 100 * evaluator.accuracy(net, arch, data.test());
              accuracies[init][seed - 1] = accuracy;
              rows.addObject().put("labels_share", share).put("labelled_images", labelled).put("init", INITS[init])
                  .put("seed", seed).put("steps", steps).put("knn_test_top1_before_percent", knnBefore)
                  .put("test_top1_percent", accuracy)
                  .put("train_s", (System.nanoTime() - start) / 1e9);
              progress.printf(Locale.ROOT, "%s: %.2f %% test top-1 (k-NN before fine-tuning: %.2f %%)%n", task,
                  accuracy, knnBefore);
            }
          }
        }
        double[] mean = new double[inits];
        double[] std = new double[inits];
        for (int init = 0; init < inits; init++) {
          mean[init] = Spread.mean(accuracies[init]);
          std[init] = Spread.std(accuracies[init]);
          ObjectNode row = summary.addObject().put("labels_share", share).put("init", INITS[init]).put("seeds", seeds)
              .put("mean_test_top1_percent", mean[init]).put("std_test_top1_percent", std[init])
              .put("mean_knn_test_top1_before_percent", Spread.mean(knn[init]));
          progress.printf(Locale.ROOT, "%.0f%% labels, %s init: %.2f ± %.2f %% over %d seeds%n", 100 * share,
              INITS[init], mean[init], std[init], seeds);
          if (init > 0) {
            double spread = Math.max(std[0], std[init]);
            // each seed gives both starts the same labelled images and order: the paired view of the same runs
            double[] leads = new double[seeds];
            int wins = 0;
            for (int s = 0; s < seeds; s++) {
              leads[s] = accuracies[0][s] - accuracies[init][s];
              wins += leads[s] > 0 ? 1 : 0;
            }
            row.put("preserved_lead_points", mean[0] - mean[init])
                .put("preserved_lead_in_std", spread > 0 ? (mean[0] - mean[init]) / spread : Double.NaN)
                .put("preserved_wins_of_seeds", wins).put("paired_lead_std_points", Spread.std(leads));
          }
        }
      }
    }
    return report;
  }
}
