package io.hilnat.host.cli;

import io.hilnat.host.engine.ComputeDevice;
import ai.djl.ndarray.NDManager;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.Datasets;
import io.hilnat.host.export.DeployableModel;
import io.hilnat.host.export.Int8Calibration;
import io.hilnat.host.export.ModelCard;
import io.hilnat.host.export.Precision;
import io.hilnat.host.supernet.SubnetEvaluator;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.net.NetworkStats;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.space.SubnetBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hilnat export --space S --arch A -o FILE.tflite}: a subnet as a real TFLite file. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export a subnet as a .tflite file: with --supernet, its inherited weights (batch norms "
        + "recalibrated on 960 training images); without, random weights of the right shape.")
public final class ExportCommand implements Callable<Integer> {
  @Mixin ComputeDeviceOption computeDevice;


  @Option(names = "--space", defaultValue = "small-mbv3", description = "built-in space or YAML file (default "
      + "${DEFAULT-VALUE})")
  String space;

  @Option(names = "--arch", required = true,
      description = "smallest, largest, random:SEED, JSON "
          + "{\"resolution\":..,\"width\":..,\"stages\":[[{\"k\":3,\"e\":4}],..]} or genes")
  String arch;

  @Option(names = "--input-channels", defaultValue = "3", description = "image channels (default ${DEFAULT-VALUE})")
  int inputChannels;

  @Option(names = "--classes", defaultValue = "10", description = "classifier outputs (default ${DEFAULT-VALUE})")
  int classes;

  @Option(names = "--seed", defaultValue = "0", description = "seed of the random weights")
  long seed;

  @Option(names = {"-o", "--output"}, required = true, description = "the .tflite file to write")
  Path output;

  @Option(names = "--supernet", description = "trained supernet folder: export the subnet with its inherited weights")
  Path supernet;

  @Option(names = "--recalibrate", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = {"with --supernet: recompute the subnet's batch-norm statistics on 960 training images (default);",
          "--no-recalibrate keeps the supernet's stored ones (an imported checkpoint's own)"})
  boolean recalibrate;

  @Mixin PrecisionOptions precision;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Architecture a;
    NetworkDescription net;
    String weights;
    ModelCard card;
    Int8Calibration calibration;
    boolean int8 = precision.int8();
    int classCount;
    if (supernet != null) {
      String data = SupernetCheckpoint.metadata(supernet).get("data").asText();
      Optional<SupernetCheckpoint.Origin> origin = SupernetCheckpoint.origin(supernet);
      boolean imported = data.equals(SupernetCheckpoint.IMPORTED_DATA);
      if (imported && (recalibrate || int8)) {
        throw new IllegalArgumentException("the supernet in " + supernet + " was imported (" + origin.map(
            SupernetCheckpoint.Origin::source).orElse("?") + ") and its training images are not here: "
            + (int8 ? "an int8 export needs some to calibrate on; " : "export it with --no-recalibrate to use its "
            + "own batch-norm statistics, or ") + "adapt it to your data first (hilnat supernet train --from "
            + supernet + ")");
      }
      Datasets.Splits splits = imported ? null : Datasets.load(data);
      Batches batches = imported ? null : new Batches(splits.train(), splits.train());
      try (NDManager manager = ComputeDevice.newManager(); Supernet sn = SupernetCheckpoint.load(supernet, manager)) {
        a = ArchitectureFormat.parse(sn.space(), arch);
        if (recalibrate) {
          new SubnetEvaluator(batches, 960, 128, manager).recalibrate(sn, a);
        }
        net = sn.extract(a);
        classCount = sn.classes();
        calibration = int8 ? precision.calibration(batches, a.resolution(), manager) : null;
      }
      weights = "inherited from " + supernet + (recalibrate ? " (batch norms recalibrated on " + data + ")"
          : " (its stored batch-norm statistics)");
      card = imported
          ? card(arch, "hilnat subnet, weights " + weights, numbered(classCount), origin.get().mean(),
              origin.get().std(), false)
          : card(arch, "hilnat subnet, weights " + weights, splits.classNames(), net.inputChannels(),
              batches.mean(), batches.std(), int8);
    } else {
      SearchSpace s = SearchSpaceLoader.load(space);
      a = ArchitectureFormat.parse(s, arch);
      net = new SubnetBuilder(s).build(a, inputChannels, classes, seed);
      weights = "random (seed " + seed + ")";
      // random weights are for measuring latency: no dataset, so no normalisation, numbered classes, and an int8
      // export calibrated on random pixels
      card = card(arch, "hilnat subnet with random weights (seed " + seed + "), for latency only",
          numbered(classes), net.inputChannels(), 0f, 1f, int8);
      calibration = int8 ? Int8Calibration.random(net.inputChannels() * a.resolution() * a.resolution(), seed) : null;
    }
    byte[] model = DeployableModel.write(output, net, card, calibration);
    NetworkStats stats = NetworkStats.of(net);
    spec.commandLine().getOut().printf("wrote %s: %d bytes, %.2f M MAdds, %.3f M params, input NHWC [1,%d,%d,%d]%n"
            + "architecture %s%nweights: %s; %s, labels and normalisation inside; sidecar %s%n",
        output, model.length, stats.madds() / 1e6, stats.params() / 1e6, a.resolution(), a.resolution(),
        net.inputChannels(), ArchitectureFormat.toJson(a), weights,
        int8 ? "int8, uint8 pixels in" : "fp32, input values in [0, 1] (pixel / 255)", DeployableModel.sidecar(output));
    return 0;
  }

  private static ModelCard card(String name, String description, List<String> labels, int channels, float mean,
      float std, boolean int8) {
    ModelCard fp32 = ModelCard.fp32(name, description, labels, channels, mean, std, Map.of());
    return int8 ? fp32.withPrecision(Precision.INT8) : fp32;
  }

  private static ModelCard card(String name, String description, List<String> labels, float[] mean, float[] std,
      boolean int8) {
    ModelCard fp32 = new ModelCard(name, description, labels, mean, std, Precision.FP32, Map.of());
    return int8 ? fp32.withPrecision(Precision.INT8) : fp32;
  }

  private static List<String> numbered(int classes) {
    return IntStream.range(0, classes).mapToObj(Integer::toString).toList();
  }
}
