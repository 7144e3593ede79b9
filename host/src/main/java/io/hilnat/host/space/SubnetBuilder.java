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
    space.validate(arch);
    RandomNetworks weights = new RandomNetworks(seed);
    double w = arch.width();
    List<Node> nodes = new ArrayList<>();
    FixedLayerSpec stem = space.stem();
    int channels = SearchSpace.scaledChannels(stem.channels(), w);
    nodes.addAll(weights.convBnAct(inputChannels, channels, stem.kernel(), stem.stride(), false, stem.activation()));
    FixedLayerSpec first = space.firstBlock();
    int firstOut = SearchSpace.scaledChannels(first.channels(), w);
    nodes.addAll(mbconv(weights, channels, firstOut, first.kernel(), first.expand(), first.stride(),
        first.squeezeExcite(), first.activation()));
    channels = firstOut;
    for (int s = 0; s < space.stages().size(); s++) {
      StageSpec stage = space.stages().get(s);
      int out = SearchSpace.scaledChannels(stage.channels(), w);
      List<Layer> layers = arch.stages().get(s);
      for (int j = 0; j < layers.size(); j++) {
        Layer layer = layers.get(j);
        nodes.addAll(mbconv(weights, channels, out, layer.kernel(), layer.expand(), j == 0 ? stage.stride() : 1,
            stage.squeezeExcite(), stage.activation()));
        channels = out;
      }
    }
    HeadSpec head = space.head();
    int expand = SearchSpace.scaledChannels(head.expandChannels(), w);
    int features = SearchSpace.scaledChannels(head.featureChannels(), w);
    nodes.addAll(weights.convBnAct(channels, expand, 1, 1, false, head.activation()));
    nodes.add(new GlobalAvgPool());
    nodes.add(weights.conv(expand, features, 1, 1, false));
    nodes.add(new Activation(head.activation()));
    nodes.add(weights.dense(features, classes));
    return new NetworkDescription(space.name() + "-" + Integer.toHexString(ArchitectureFormat.key(space, arch).hashCode()),
        inputChannels, arch.resolution(), nodes);
  }

  /** Expanded width as OFA rounds it, and the squeeze-excite width (a quarter, rounded). */
  public static int expandedChannels(int in, int expand) {
    return SearchSpace.makeDivisible(in * expand, 8);
  }

  public static int squeezeChannels(int expanded) {
    return SearchSpace.makeDivisible(expanded / 4.0, 8);
  }

  private static List<Node> mbconv(RandomNetworks weights, int in, int out, int kernel, int expand, int stride,
      boolean se, Activation.Kind act) {
    int mid = expand == 1 ? in : expandedChannels(in, expand);
    return weights.mbconv(in, mid, out, kernel, stride, se ? squeezeChannels(mid) : 0, act);
  }
}
