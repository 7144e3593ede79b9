package io.hilnat.host.cli;

import io.hilnat.host.engine.ComputeDevice;
import ai.djl.ndarray.NDManager;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.Datasets;
import io.hilnat.host.data.ImageSet;
import io.hilnat.host.job.SearchData;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.supernet.SubnetEvaluator;
import io.hilnat.host.supernet.training.SubnetFineTuning;
import io.hilnat.host.export.DeployableModel;
import io.hilnat.host.export.ModelCard;
import io.hilnat.host.net.NetworkDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import io.hilnat.host.supernet.training.SupernetTrainer;
import io.hilnat.host.supernet.training.SupernetTraining;
import io.hilnat.host.supernet.training.ContrastiveTrainer;
import io.hilnat.host.supernet.KnnProbe;
import io.hilnat.host.supernet.training.Trainer;
import io.hilnat.host.transfer.SupernetTransfer;
import io.hilnat.host.data.Augmentation;
import io.hilnat.host.data.DataSplit;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hilnat supernet train}, {@code hilnat subnet eval} and {@code hilnat subnet fine-tune}. */
@Command(name = "supernet", mixinStandardHelpOptions = true, description = "Train a weight-sharing supernet.",
    subcommands = {SupernetCommand.Train.class, ImportOfaCommand.class})
public final class SupernetCommand implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Sandwich-rule training with in-place distillation; checkpoints into --out, resumable.")
  static final class Train implements Callable<Integer> {
    @Mixin ComputeDeviceOption computeDevice;

    @Option(names = "--space", description = "search space (default tiny-mbv3, or the space of --from)")
    String space;

    @Option(names = "--from", description = {"start from this supernet (e.g. one made by import-ofa): NAT's transfer; "
        + "a new classifier", "if the class count differs, the first conv summed over RGB for grey images"})
    Path from;

    @Option(names = "--data", defaultValue = "fashion-mnist", description = "dataset (default ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--steps", defaultValue = "2000", description = "training steps in all (default ${DEFAULT-VALUE})")
    long steps;

    @Option(names = "--minutes", defaultValue = "0", description = {"train for about so many minutes instead of "
        + "--steps: the step count is sized", "from the pace of the first 30, re-sized every 50 from the pace since, "
        + "and "
        + "kept in OUT/budget.json for a resume"})
    double minutes;

    @Option(names = "--batch", defaultValue = "64", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", defaultValue = "0.05", description = "peak learning rate (default ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--augment", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = {"random shifts of the training images, supervised (default on; --no-augment for runs",
            "under an epoch, where they cost top-1)"})
    boolean augment;

    @Option(names = "--random-subnets", defaultValue = "2", description = "random subnets per step besides largest "
        + "and smallest")
    int randomSubnets;

    @Option(names = "--sort-channels-every", defaultValue = "0", description = {
        "sort each layer's expanded channels by importance every N steps, so small expand ratios keep the",
        "most important ones (OFA; supervised training only; 0: never; default ${DEFAULT-VALUE})"})
    int sortChannelsEvery;

    @Option(names = "--checkpoint-every", defaultValue = "200", description = "steps between checkpoints")
    int checkpointEvery;

    @Option(names = "--out", required = true, description = "supernet folder (resumes if it holds one)")
    Path out;

    @Option(names = "--ssl", description = "self-supervised: SimCLR contrastive loss on two augmented views, no labels")
    boolean ssl;

    @Option(names = "--temperature", defaultValue = "0.2", description = "SimCLR's InfoNCE temperature with --ssl "
        + "(SimCLR: 0.1-0.5; default ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--val-images", defaultValue = "1000", description = {"training images held out, as a search "
        + "with the same --val-images and --seed holds them out", "for validation: it then scores subnets on images "
        + "this supernet never saw (default ${DEFAULT-VALUE}, as search's; 0: train on all)"})
    int validationImages;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the held-out split, the weights and the "
        + "training (default ${DEFAULT-VALUE}, as search's)")
    long seed;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter log = spec.commandLine().getOut();
      if (validationImages < 0) {
        throw new ParameterException(spec.commandLine(), "--val-images must be 0 or more, got " + validationImages);
      }
      SupernetCheckpoint.HeldOut heldOut = new SupernetCheckpoint.HeldOut(data, validationImages, seed);
      if (Files.isRegularFile(out.resolve("supernet.json"))) {
        SupernetCheckpoint.HeldOut trained = SupernetCheckpoint.heldOut(out)
            .orElse(new SupernetCheckpoint.HeldOut(SupernetCheckpoint.metadata(out).get("data").asText(), 0, seed));
        if (!trained.equals(heldOut)) {
          throw new ParameterException(spec.commandLine(), out + " was trained holding out " + trained
              + "; resume it with --data " + trained.data() + " --val-images " + trained.validationImages()
              + " --seed " + trained.seed() + ", or train a new one into another --out");
        }
      }
      Datasets.Splits splits = Datasets.load(data);
      ImageSet trainSet = validationImages == 0 ? splits.train()
          : splits.train().subset(SearchData.validationSplit(splits.train(), validationImages, seed).train());
      Batches train = new Batches(trainSet, trainSet);
      Batches test = new Batches(splits.test(), trainSet);
      SearchSpace s = SearchSpaceLoader.load(space != null ? space
          : from != null ? from.resolve("space.yaml").toString() : "tiny-mbv3");
      try (NDManager manager = ComputeDevice.newManager()) {
        Supernet net;
        long done = 0;
        if (Files.isRegularFile(out.resolve("supernet.json"))) {
          net = SupernetCheckpoint.load(out, manager);
          done = SupernetCheckpoint.metadata(out).get("steps").asLong();
          log.printf("resuming %s at step %d%n", out, done);
        } else {
          net = from != null
              ? SupernetTransfer.load(from, s, splits.train().channels(), splits.train().classes(), manager, seed, log)
              : new Supernet(s, splits.train().channels(), splits.train().classes(), manager, seed);
          SupernetCheckpoint.saveHeldOut(out, heldOut);
        }
        if (validationImages > 0) {
          log.printf("training on %d of %d training images: %s held out%n", trainSet.count(), splits.train().count(),
              heldOut);
        }
        int ramp = minutes > 0 ? SupernetTraining.TIMING_STEPS : Math.min(200, (int) (steps / 20) + 1);
        Trainer trainer;
        if (ssl) {
          ContrastiveTrainer.oneDeviceNote().ifPresent(note -> log.println("note: " + note));
          trainer = new ContrastiveTrainer(net, train, Augmentation.contrastive(true),
              new ContrastiveTrainer.Config(batch, lr, temperature, 64, ramp, seed), manager);
        } else {
          trainer = new SupernetTrainer(net, train, new SupernetTrainer.Config(batch, lr, 0.9, 3e-5, randomSubnets, 0.1,
              ramp, seed, sortChannelsEvery, augment), manager);
        }
        SearchSpace sandwichSpace = net.space();
        Function<Random, List<Architecture>> sandwich = random -> SupernetTrainer.sandwich(sandwichSpace,
            randomSubnets, random);
        String task = ssl ? "supernet (contrastive)" : "supernet";
        Path budget = out.resolve("budget.json");
        if (minutes > 0 && !Files.isRegularFile(budget)) {
          long start = System.nanoTime();
          long reached = SupernetTraining.runFor(task, net, trainer, sandwich, out, data, done,
              minutes * 60, checkpointEvery, length -> {
                try {
                  JSON.writeValue(budget.toFile(),
                      JSON.createObjectNode().put("minutes", minutes).put("steps", length));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
          log.printf(Locale.ROOT, "%.1f minutes: %d steps (took %.1f)%n", minutes, reached,
              (System.nanoTime() - start) / 6e10);
        } else {
          long total = steps;
          if (minutes > 0) {
            total = JSON.readTree(budget.toFile()).get("steps").asLong();
            log.printf(Locale.ROOT, "%.1f minutes: %d steps%n", minutes, total);
          }
          SupernetTraining.run(task, net, trainer, sandwich, out, data, done, total, checkpointEvery);
        }
        if (ssl) {
          KnnProbe knn = new KnnProbe(new SubnetEvaluator(train, 960, 128, manager), 10, 200, manager);
          Batches labelled = new Batches(trainSet.subset(DataSplit.stratified(trainSet.labels(), 0.01, 1)
              .validation()), trainSet);
          for (Architecture arch : new Architecture[] {s.largest(), s.smallest()}) {
            log.printf(Locale.ROOT, "%s subnet: %.2f %% test top-1 by 10-NN over 1 %% of the labels (%d images)%n",
                arch.equals(s.largest()) ? "largest" : "smallest", 100 * knn.accuracy(net, arch, labelled, test),
                labelled.set().count());
          }
          log.printf("supernet saved in %s%n", out);
          net.close();
          return 0;
        }
        SubnetEvaluator evaluator = new SubnetEvaluator(train, 960, 128, manager);
        for (Architecture arch : new Architecture[] {s.largest(), s.smallest()}) {
          log.printf(Locale.ROOT, "%s subnet: %.2f %% test top-1 with inherited weights%n",
              arch.equals(s.largest()) ? "largest" : "smallest", 100 * evaluator.accuracy(net, arch, test));
        }
        log.printf("supernet saved in %s%n", out);
        net.close();
      }
      return 0;
    }
  }

  /** {@code hilnat subnet eval}: accuracy of one subnet with inherited weights; {@code fine-tune}: train it alone. */
  @Command(name = "subnet", mixinStandardHelpOptions = true, description = "Work with subnets of a trained supernet.",
      subcommands = {Subnet.Eval.class, Subnet.FineTune.class})
  public static final class Subnet implements Runnable {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Top-1 of a subnet with inherited weights, after batch-norm recalibration on 960 images.")
    static final class Eval implements Callable<Integer> {
      @Mixin ComputeDeviceOption computeDevice;

      @Mixin SubnetOptions subnet;

      @Option(names = "--recalibrate", negatable = true, defaultValue = "true", fallbackValue = "true",
          description = {"recompute the subnet's batch-norm statistics on 960 training images first (default);",
              "--no-recalibrate keeps the supernet's stored ones (an imported checkpoint's own)"})
      boolean recalibrate;

      @Spec picocli.CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() throws Exception {
        String dataset = subnet.dataset();
        Datasets.Splits splits = Datasets.load(dataset);
        try (NDManager manager = ComputeDevice.newManager();
            Supernet net = SupernetCheckpoint.load(subnet.supernet, manager)) {
          Architecture a = ArchitectureFormat.parse(net.space(), subnet.arch);
          SubnetEvaluator evaluator = new SubnetEvaluator(new Batches(splits.train(), splits.train()), 960, 128,
              manager);
          Batches test = new Batches(splits.test(), splits.train());
          double accuracy = recalibrate ? evaluator.accuracy(net, a, test) : evaluator.accuracyAsIs(net, a, test);
          spec.commandLine().getOut().printf(Locale.ROOT, "%s: %.2f %% top-1 on %s test (%d images), %s%n",
              ArchitectureFormat.toJson(a), 100 * accuracy, dataset, splits.test().count(),
              recalibrate ? "batch norms recalibrated" : "stored batch-norm statistics");
        }
        return 0;
      }
    }

    @Command(name = "fine-tune", mixinStandardHelpOptions = true,
        description = {"Fine-tune a subnet alone from its inherited weights and export it as .tflite.",
            "Prints test top-1 before and after; writes the model and result.json into --out."})
    static final class FineTune implements Callable<Integer> {
      @Mixin ComputeDeviceOption computeDevice;

      @Mixin SubnetOptions subnet;

      @Option(names = "--epochs", defaultValue = "1", description = "passes over the labelled images (default "
          + "${DEFAULT-VALUE})")
      double epochs;

      @Option(names = "--minutes", defaultValue = "0", description = "train for about so many minutes instead of "
          + "--epochs")
      double minutes;

      @Option(names = "--augment", negatable = true, defaultValue = "true", fallbackValue = "true",
          description = {"random shifts of the training images (default on: they pay over many epochs on few labels;",
              "--no-augment for a fine-tune of an epoch or two on many)"})
      boolean augment;

      @Option(names = "--labels", defaultValue = "100%", description = "share of the training labels to use, a "
          + "stratified subset (e.g. 1%%; default ${DEFAULT-VALUE})")
      String labels;

      @Option(names = "--out", description = "output folder (default runs/fine-tune-TIMESTAMP)")
      Path out;

      @Option(names = "--seed", defaultValue = "1", description = "seed (default ${DEFAULT-VALUE})")
      long seed;

      @Spec picocli.CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() throws Exception {
        PrintWriter log = spec.commandLine().getOut();
        double share = SearchCommand.share(labels);
        if (epochs <= 0 || minutes < 0 || share <= 0 || share > 1) {
          throw new IllegalArgumentException("--epochs must be above 0, --minutes 0 or above and --labels in (0, 100%]"
              + ": got " + epochs + ", " + minutes + ", " + labels);
        }
        String dataset = subnet.dataset();
        Datasets.Splits splits = Datasets.load(dataset);
        Batches labelled = new Batches(share < 1 ? splits.train().subset(DataSplit.stratified(splits.train().labels(),
            share, seed).validation()) : splits.train(), splits.train());
        Batches test = new Batches(splits.test(), splits.train());
        Path folder = out != null ? out : Runs.timestamped("fine-tune");
        Files.createDirectories(folder);
        try (NDManager manager = ComputeDevice.newManager();
            Supernet net = SupernetCheckpoint.load(subnet.supernet, manager)) {
          Architecture a = ArchitectureFormat.parse(net.space(), subnet.arch);
          SubnetEvaluator evaluator = new SubnetEvaluator(labelled, 960, 128, manager);
          double before = evaluator.accuracy(net, a, test);
          log.printf(Locale.ROOT, "%s: %.2f %% test top-1 with inherited weights; fine-tuning on %d labelled "
              + "images%s%n",
              ArchitectureFormat.key(net.space(), a), 100 * before, labelled.set().count(),
              minutes > 0 ? String.format(Locale.ROOT, " for %.1f minutes", minutes)
                  : String.format(Locale.ROOT, " for %.3g epochs", epochs));
          log.flush();
          long start = System.nanoTime();
          long steps = SubnetFineTuning.run(net, a, labelled, epochs, minutes, folder.resolve("supernet"), dataset,
              seed,
              augment, manager);
          double seconds = (System.nanoTime() - start) / 1e9;
          double after = evaluator.accuracy(net, a, test);
          Path model = folder.resolve("subnet-" + ArchitectureFormat.key(net.space(), a).replace(',', '-') + ".tflite");
          NetworkDescription exported = net.extract(a);
          DeployableModel.write(model, exported, ModelCard.fp32(ArchitectureFormat.key(net.space(), a),
              "hilnat subnet fine-tuned on " + dataset, splits.classNames(), exported.inputChannels(),
              labelled.mean(), labelled.std(), Map.of("test_top1_fine_tuned", after, "test_top1_inherited", before)));
          ObjectNode result = JSON.createObjectNode().put("supernet", subnet.supernet.toString())
              .put("arch", ArchitectureFormat.key(net.space(), a)).put("data", dataset)
              .put("labelled_images", labelled.set().count()).put("steps", steps).put("batch", SubnetFineTuning.BATCH)
              .put("learning_rate", SubnetFineTuning.LEARNING_RATE).put("augment", augment).put("seconds", seconds)
              .put("test_top1_inherited_percent", 100 * before).put("test_top1_fine_tuned_percent", 100 * after)
              .put("model", model.getFileName().toString());
          JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("result.json").toFile(), result);
          log.printf(Locale.ROOT, "fine-tuned for %d steps (%.1f min): %.2f %% test top-1 (was %.2f %%); model %s%n",
              steps, seconds / 60, 100 * after, 100 * before, model);
        }
        return 0;
      }
    }
  }
}
