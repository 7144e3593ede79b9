package io.hilnat.host.space;

import io.hilnat.host.net.Activation;
import io.hilnat.host.net.GlobalAvgPool;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.net.Node;
import io.hilnat.host.net.RandomNetworks;
import java.util.ArrayList;
import java.util.List;

/**
 * The network of a subnet, laid out as OFA's MobileNetV3: stem, first block, the stages' MBConv
 * layers (expand 1×1, depthwise k×k, optional squeeze-excite, project 1×1; residual when the shape is
 * kept), then the head (1×1 expand, pool, 1×1 feature mix without BN, classifier). Weights are random:
 * this is the shape of a subnet for latency and size, not its trained function.
 */
public final class SubnetBuilder {

  private final SearchSpace space;

  public SubnetBuilder(SearchSpace space) {
    this.space = space;
  }

  public NetworkDescription build(Architecture arch, int inputChannels, int classes, long seed) {
    RandomNetworks weights = new RandomNetworks(seed);
    List<Node> nodes = new ArrayList<>();
    for (Block block : blocks(arch, inputChannels, classes)) {
      nodes.addAll(nodes(block, weights));
    }
    return new NetworkDescription(space.name() + "-" + Integer.toHexString(ArchitectureFormat.key(space, arch)
        .hashCode()),
        inputChannels, arch.resolution(), nodes);
  }

  /** The subnet as blocks with the shapes they run at, input to output. */
  public List<Block> blocks(Architecture arch, int inputChannels, int classes) {
    space.validate(arch);
    double w = arch.width();
    List<Block> blocks = new ArrayList<>();
    FixedLayerSpec stem = space.stem();
    int channels = SearchSpace.scaledChannels(stem.channels(), w);
    blocks.add(new Block(Block.Kind.STEM, arch.resolution(), inputChannels, channels, stem.kernel(), 0, stem.stride(),
        0,
        stem.activation()));
    FixedLayerSpec first = space.firstBlock();
    int firstOut = SearchSpace.scaledChannels(first.channels(), w);
    blocks.add(mbconv(blocks.get(0).outputSize(), channels, firstOut, first.kernel(), first.expand(), first.stride(),
        first.squeezeExcite(), first.activation()));
    channels = firstOut;
    for (int s = 0; s < space.stages().size(); s++) {
      StageSpec stage = space.stages().get(s);
      int out = SearchSpace.scaledChannels(stage.channels(), w);
      for (int j = 0; j < arch.stages().get(s).size(); j++) {
        Layer layer = arch.stages().get(s).get(j);
        int size = blocks.get(blocks.size() - 1).outputSize();
        blocks.add(mbconv(size, channels, out, layer.kernel(), layer.expand(), j == 0 ? stage.stride() : 1,
            stage.squeezeExcite(), stage.activation()));
        channels = out;
      }
    }
    HeadSpec head = space.head();
    blocks.add(new Block(Block.Kind.HEAD, blocks.get(blocks.size() - 1).outputSize(), channels, classes, 1,
        SearchSpace.scaledChannels(head.expandChannels(), w), 1, SearchSpace.scaledChannels(head.featureChannels(), w),
        head.activation()));
    return blocks;
  }

  /** A block's nodes with random weights: the unit a latency table measures. */
  public static List<Node> nodes(Block block, RandomNetworks weights) {
    switch (block.kind()) {
      case STEM:
        return weights.convBnAct(block.in(), block.out(), block.kernel(), block.stride(), false, block.activation());
      case HEAD:
        List<Node> nodes = new ArrayList<>(weights.convBnAct(block.in(), block.mid(), 1, 1, false, block.activation()));
        nodes.add(new GlobalAvgPool());
        nodes.add(weights.conv(block.mid(), block.se(), 1, 1, false));
        nodes.add(new Activation(block.activation()));
        nodes.add(weights.dense(block.se(), block.out()));
        return nodes;
      default:
        return weights.mbconv(block.in(), block.mid(), block.out(), block.kernel(), block.stride(), block.se(),
            block.activation());
    }
  }

  /** Expanded width as OFA rounds it, and the squeeze-excite width (a quarter, rounded). */
  public static int expandedChannels(int in, int expand) {
    return SearchSpace.makeDivisible(in * expand, 8);
  }

  public static int squeezeChannels(int expanded) {
    return SearchSpace.makeDivisible(expanded / 4.0, 8);
  }

  private static Block mbconv(int size, int in, int out, int kernel, int expand, int stride, boolean se,
      Activation.Kind act) {
    int mid = expand == 1 ? in : expandedChannels(in, expand);
    return new Block(Block.Kind.MBCONV, size, in, out, kernel, mid, stride, se ? squeezeChannels(mid) : 0, act);
  }
}
