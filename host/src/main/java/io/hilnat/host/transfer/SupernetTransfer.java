package io.hilnat.host.transfer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * NAT's transfer: a supernet trained elsewhere (on ImageNet, by Once-for-All) made fit for the user's data, to be
 * adapted while the search runs. Every array is kept, but the classifier when the class count differs (it is
 * re-initialised) and, for grey images, the first conv, whose weights are summed over RGB: a grey pixel is R = G =
 * B, so the summed conv computes on it what the RGB conv computed on its colour copy. The space may differ from the
 * checkpoint's in name and resolutions, which the search takes from its space file.
 */
public final class SupernetTransfer {

  private static final String STEM = "stem.weight";

  private SupernetTransfer() {}

  /** The supernet in {@code dir} for {@code space} and images of {@code channels}, {@code classes} classes. */
  public static Supernet load(Path dir, SearchSpace space, int channels, int classes, NDManager manager, long seed,
      PrintWriter log) throws IOException {
    com.fasterxml.jackson.databind.JsonNode meta = SupernetCheckpoint.metadata(dir);
    SearchSpace trained = SupernetCheckpoint.space(dir);
    requireSameNetwork(dir, trained, space);
    if (trained.equals(space) && meta.get("input_channels").asInt() == channels
        && meta.get("classes").asInt() == classes) {
      return SupernetCheckpoint.load(dir, space, manager);
    }
    try (NDManager scratch = manager.newSubManager(); Supernet source = SupernetCheckpoint.load(dir, scratch)) {
      if (source.inputChannels() != channels && !(source.inputChannels() == 3 && channels == 1)) {
        throw new IllegalArgumentException(dir + " takes " + source.inputChannels() + "-channel images, the data has "
            + channels + ": only RGB to grey is transferred (the first conv summed over RGB)");
      }
      Supernet target = new Supernet(space, channels, classes, manager, seed);
      try {
        for (Map.Entry<String, Shape> e : target.arrayShapes().entrySet()) {
          String name = e.getKey();
          if (name.startsWith("classifier.") && source.classes() != classes) {
            continue;
          }
          float[] values = source.values(name);
          target.assign(name, name.equals(STEM) && channels != source.inputChannels()
              ? summedOverChannels(values, e.getValue()) : values);
        }
      } catch (RuntimeException ex) {
        target.close();
        throw ex;
      }
      log.printf("transfer from %s: every weight and batch-norm statistic kept%s%s%s%n", dir,
          source.classes() != classes ? String.format("; classifier re-initialised (%d classes, was %d)", classes,
              source.classes()) : "",
          channels != source.inputChannels() ? "; grey images: the first conv's weights summed over RGB" : "",
          source.space().resolutions().equals(space.resolutions()) ? ""
              : "; resolutions " + range(space.resolutions()) + " from the space file (the supernet's were "
                  + range(source.space().resolutions()) + ")");
      log.flush();
      return target;
    }
  }

  /** Refuses a space whose network differs from the supernet's: only its name and resolutions may. */
  static void requireSameNetwork(Path dir, SearchSpace trained, SearchSpace wanted) {
    if (!network(trained).equals(network(wanted))) {
      throw new IllegalArgumentException("space '" + wanted.name() + "' is not the network of the supernet in " + dir
          + " (space '" + trained.name() + "', widths " + trained.widths() + ", kernels " + trained.kernels()
          + ", expand ratios " + trained.expandRatios() + ", depths " + trained.depths() + "); search it with --space "
          + dir.resolve("space.yaml") + ", or a copy of that file with other resolutions");
    }
  }

  private static SearchSpace network(SearchSpace s) {
    return new SearchSpace("", List.of(), s.widths(), s.kernels(), s.expandRatios(), s.depths(), s.stem(),
        s.firstBlock(), s.stages(), s.head());
  }

  /** A conv weight {@code [out, 3, k, k]} summed over its input channels into {@code [out, 1, k, k]}. */
  private static float[] summedOverChannels(float[] rgb, Shape grey) {
    int out = (int) grey.get(0);
    int plane = (int) (grey.get(2) * grey.get(3));
    float[] sum = new float[out * plane];
    for (int o = 0; o < out; o++) {
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < plane; i++) {
          sum[o * plane + i] += rgb[(o * 3 + c) * plane + i];
        }
      }
    }
    return sum;
  }

  private static String range(List<Integer> resolutions) {
    return resolutions.get(0) + "-" + resolutions.get(resolutions.size() - 1) + " px";
  }
}
