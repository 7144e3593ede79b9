package io.hilnat.host.cli;

import io.hilnat.host.engine.ComputeDevice;
import ai.djl.ndarray.NDManager;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.Datasets;
import io.hilnat.host.proxy.LinearRegions;
import io.hilnat.host.proxy.NtkConditionNumber;
import io.hilnat.host.proxy.Proxies;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hilnat proxies}: TE-NAS's training-free proxies (NTK condition number, linear regions) of subnets. */
@Command(name = "proxies", mixinStandardHelpOptions = true,
    description = "Training-free TE-NAS proxies of subnets with fresh random weights; lower rank sum is better.")
public final class ProxiesCommand implements Callable<Integer> {
  @Mixin ComputeDeviceOption computeDevice;

  @Option(names = "--space", defaultValue = "tiny-mbv3", description = "search space (default ${DEFAULT-VALUE})")
  String space;

  @Option(names = "--arch", description = "smallest, largest, random:SEED, JSON or genes (repeatable)")
  List<String> archs = new ArrayList<>();

  @Option(names = "--random", defaultValue = "0", description = "this many random subnets besides --arch")
  int random;

  @Option(names = "--seed", defaultValue = "1", description = "seed of weights, images and inputs (default "
      + "${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--data", defaultValue = "fashion-mnist", description = "images for the NTK (default "
      + "${DEFAULT-VALUE})")
  String data;

  @Option(names = "--batch", defaultValue = "32", description = "images per NTK (default ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--inputs", defaultValue = "400", description = "points on the regions' segment (default "
      + "${DEFAULT-VALUE})")
  int inputs;

  @Option(names = "--segment", defaultValue = "0.005", description = "the regions' segment as a share of the distance "
      + "between two random inputs (default ${DEFAULT-VALUE})")
  double segment;

  @Option(names = "--repeats", defaultValue = "3", description = "initialisations averaged (default ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--csv", description = "also write the table as CSV here")
  Path csv;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (archs.isEmpty() && random <= 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give --arch ARCH (repeatable) or --random N");
    }
    SearchSpace s = SearchSpaceLoader.load(space);
    List<Architecture> candidates = new ArrayList<>();
    for (String a : archs) {
      candidates.add(ArchitectureFormat.parse(s, a));
    }
    Random r = new Random(seed);
    for (int i = 0; i < random; i++) {
      candidates.add(s.sample(r));
    }
    Datasets.Splits splits = Datasets.load(data);
    List<Proxies.Score> scores;
    try (NDManager manager = ComputeDevice.newManager()) {
      Batches images = new Batches(splits.train(), splits.train());
      scores = new Proxies(s, new NtkConditionNumber(s, images, batch, repeats, manager),
          new LinearRegions(s, splits.train().channels(), splits.train().classes(), inputs, segment, repeats,
              manager))
          .score(candidates, seed);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%-12s %10s %8s %8s %8s  %s%n", "kappa", "regions", "rank sum", "ntk ms", "lr ms", "arch");
    List<String> lines = new ArrayList<>(List.of("key,kappa,regions,rank_sum,ntk_ms,regions_ms"));
    for (Proxies.Score p : scores) {
      out.printf(Locale.ROOT, "%-12.4g %10.1f %8.1f %8d %8d  %s%n", p.kappa(), p.regions(), p.rankSum(),
          p.ntkMillis(), p.regionsMillis(), p.key());
      lines.add(String.format(Locale.ROOT, "\"%s\",%s,%s,%s,%d,%d", p.key(), p.kappa(), p.regions(), p.rankSum(),
          p.ntkMillis(), p.regionsMillis()));
    }
    if (csv != null) {
      Files.write(csv, lines);
    }
    return 0;
  }
}
