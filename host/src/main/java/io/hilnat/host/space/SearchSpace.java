package io.hilnat.host.space;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A MobileNetV3-style search space (OFA / NAT): a stem, a fixed first block, searchable stages of
 * elastic depth whose layers choose a kernel and an expand ratio, a head; plus resolution and width.
 * Spaces are data (YAML files, see {@link SearchSpaceLoader}); this class holds the rules.
 */
public record SearchSpace(
    String name,
    List<Integer> resolutions,
    List<Double> widths,
    List<Integer> kernels,
    List<Integer> expandRatios,
    List<Integer> depths,
    FixedLayerSpec stem,
    FixedLayerSpec firstBlock,
    List<StageSpec> stages,
    HeadSpec head) {

  public SearchSpace {
    resolutions = List.copyOf(resolutions);
    widths = List.copyOf(widths);
    kernels = List.copyOf(kernels);
    expandRatios = List.copyOf(expandRatios);
    depths = List.copyOf(depths);
    stages = List.copyOf(stages);
  }

  public int minDepth() {
    return depths.get(0);
  }

  public int maxDepth() {
    return depths.get(depths.size() - 1);
  }

  public int maxResolution() {
    return resolutions.get(resolutions.size() - 1);
  }

  public double maxWidth() {
    return widths.get(widths.size() - 1);
  }

  public int maxKernel() {
    return kernels.get(kernels.size() - 1);
  }

  public int maxExpand() {
    return expandRatios.get(expandRatios.size() - 1);
  }

  /** Channels of a layer whose base width is {@code base} under width multiplier {@code width}. */
  public static int scaledChannels(int base, double width) {
    return makeDivisible(base * width, 8);
  }

  /** MobileNet's rounding: to the nearest multiple of {@code divisor}, never below 90 % of {@code v}. */
  public static int makeDivisible(double v, int divisor) {
    int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
    return rounded < 0.9 * v ? rounded + divisor : rounded;
  }

  // ---- the encoding ---------------------------------------------------------------------------

  /** Length of NAT's integer encoding: resolution, width, then {@code maxDepth} genes per stage. */
  public int encodingLength() {
    return 2 + stages.size() * maxDepth();
  }

  /** Inclusive lower bound of each gene: the first {@code minDepth} layers of a stage can't be skipped. */
  public int[] lowerBounds() {
    int[] lower = new int[encodingLength()];
    for (int s = 0; s < stages.size(); s++) {
      for (int j = 0; j < minDepth(); j++) {
        lower[2 + s * maxDepth() + j] = 1;
      }
    }
    return lower;
  }

  /** Inclusive upper bound of each gene. */
  public int[] upperBounds() {
    int[] upper = new int[encodingLength()];
    upper[0] = resolutions.size() - 1;
    upper[1] = widths.size() - 1;
    Arrays.fill(upper, 2, upper.length, kernels.size() * expandRatios.size());
    return upper;
  }

  /**
   * NAT's encoding: {@code [resolution index, width index, layer genes]}; a layer gene is 0 when the
   * layer is skipped, else {@code 1 + kernelIndex + |kernels| * expandIndex}.
   */
  public int[] encode(Architecture arch) {
    validate(arch);
    int[] genes = new int[encodingLength()];
    genes[0] = resolutions.indexOf(arch.resolution());
    genes[1] = widths.indexOf(arch.width());
    for (int s = 0; s < stages.size(); s++) {
      List<Layer> layers = arch.stages().get(s);
      for (int j = 0; j < layers.size(); j++) {
        Layer layer = layers.get(j);
        genes[2 + s * maxDepth() + j] =
            1 + kernels.indexOf(layer.kernel()) + kernels.size() * expandRatios.indexOf(layer.expand());
      }
    }
    return genes;
  }

  /**
   * Decodes genes after repair: skipped layers move behind the active ones (NAT's rule "if layer 3 is
   * skipped but layer 4 is not, swap them", generalised), and a stage keeps at least {@code minDepth}
   * layers. Genes out of their bounds are an error.
   */
  public Architecture decode(int[] genes) {
    if (genes.length != encodingLength()) {
      throw new IllegalArgumentException(
          "space '" + name + "' expects " + encodingLength() + " genes, got " + genes.length);
    }
    int[] lower = lowerBounds();
    int[] upper = upperBounds();
    for (int i = 0; i < genes.length; i++) {
      if (genes[i] < lower[i] || genes[i] > upper[i]) {
        throw new IllegalArgumentException(
            "gene " + i + " = " + genes[i] + " is outside [" + lower[i] + ", " + upper[i] + "]");
      }
    }
    List<List<Layer>> stageLayers = new ArrayList<>();
    for (int s = 0; s < stages.size(); s++) {
      List<Layer> layers = new ArrayList<>();
      for (int j = 0; j < maxDepth(); j++) {
        int gene = genes[2 + s * maxDepth() + j];
        if (gene > 0) {
          int index = gene - 1;
          layers.add(new Layer(kernels.get(index % kernels.size()), expandRatios.get(index / kernels.size())));
        }
      }
      stageLayers.add(layers);
    }
    return new Architecture(resolutions.get(genes[0]), widths.get(genes[1]), stageLayers);
  }

  /** Repairs genes in place of a copy: the canonical encoding of what {@link #decode} reads. */
  public int[] repair(int[] genes) {
    return encode(decode(genes));
  }

  /** Throws with a readable message when {@code arch} is not a member of this space. */
  public void validate(Architecture arch) {
    if (!resolutions.contains(arch.resolution())) {
      throw new IllegalArgumentException(
          "resolution " + arch.resolution() + " is not in space '" + name + "': choose from " + resolutions);
    }
    if (!widths.contains(arch.width())) {
      throw new IllegalArgumentException(
          "width " + arch.width() + " is not in space '" + name + "': choose from " + widths);
    }
    if (arch.stages().size() != stages.size()) {
      throw new IllegalArgumentException(
          "space '" + name + "' has " + stages.size() + " stages, the architecture " + arch.stages().size());
    }
    for (int s = 0; s < stages.size(); s++) {
      List<Layer> layers = arch.stages().get(s);
      if (!depths.contains(layers.size())) {
        throw new IllegalArgumentException(
            "stage " + (s + 1) + " has depth " + layers.size() + ": choose from " + depths);
      }
      for (Layer layer : layers) {
        if (!kernels.contains(layer.kernel()) || !expandRatios.contains(layer.expand())) {
          throw new IllegalArgumentException(
              "stage " + (s + 1) + " layer " + layer + ": kernel must be in " + kernels
                  + " and expand in " + expandRatios);
        }
      }
    }
  }

  // ---- sampling -------------------------------------------------------------------------------

  /** Uniform over resolution, width, each stage's depth and each active layer's kernel and expand. */
  /** {@code count} distinct subnets: {@code first} in its order, then random ones drawn from {@code random}. */
  public List<Architecture> distinctSamples(int count, Random random, List<Architecture> first) {
    java.util.Set<Architecture> archs = new java.util.LinkedHashSet<>(first);
    while (archs.size() < count) {
      archs.add(sample(random));
    }
    return List.copyOf(archs);
  }

  public Architecture sample(Random random) {
    List<List<Layer>> stageLayers = new ArrayList<>();
    for (int s = 0; s < stages.size(); s++) {
      int depth = depths.get(random.nextInt(depths.size()));
      List<Layer> layers = new ArrayList<>();
      for (int j = 0; j < depth; j++) {
        layers.add(new Layer(
            kernels.get(random.nextInt(kernels.size())), expandRatios.get(random.nextInt(expandRatios.size()))));
      }
      stageLayers.add(layers);
    }
    return new Architecture(
        resolutions.get(random.nextInt(resolutions.size())), widths.get(random.nextInt(widths.size())), stageLayers);
  }

  public Architecture smallest() {
    return uniform(resolutions.get(0), widths.get(0), minDepth(), kernels.get(0), expandRatios.get(0));
  }

  public Architecture largest() {
    return uniform(maxResolution(), maxWidth(), maxDepth(), maxKernel(), maxExpand());
  }

  /** Every stage with {@code depth} layers of the same kernel and expand ratio. */
  public Architecture uniform(int resolution, double width, int depth, int kernel, int expand) {
    List<List<Layer>> stageLayers = new ArrayList<>();
    for (int s = 0; s < stages.size(); s++) {
      stageLayers.add(java.util.Collections.nCopies(depth, new Layer(kernel, expand)));
    }
    Architecture arch = new Architecture(resolution, width, stageLayers);
    validate(arch);
    return arch;
  }

  /** All distinct architectures one gene away from {@code arch} (after repair). */
  public List<Architecture> neighbours(Architecture arch) {
    int[] genes = encode(arch);
    int[] lower = lowerBounds();
    int[] upper = upperBounds();
    java.util.LinkedHashSet<String> seen = new java.util.LinkedHashSet<>();
    seen.add(Arrays.toString(genes));
    List<Architecture> result = new ArrayList<>();
    for (int i = 0; i < genes.length; i++) {
      for (int v = lower[i]; v <= upper[i]; v++) {
        if (v == genes[i]) {
          continue;
        }
        int[] mutated = genes.clone();
        mutated[i] = v;
        int[] repaired = repair(mutated);
        if (seen.add(Arrays.toString(repaired))) {
          result.add(decode(repaired));
        }
      }
    }
    return result;
  }
}
