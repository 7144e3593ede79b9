package io.hilnat.host.supernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.hilnat.host.engine.ChannelsLast;
import io.hilnat.host.net.Activation;
import io.hilnat.host.net.DjlForward;
import io.hilnat.host.net.Dense;
import io.hilnat.host.net.GlobalAvgPool;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.net.Node;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.FixedLayerSpec;
import io.hilnat.host.space.HeadSpec;
import io.hilnat.host.space.Layer;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.StageSpec;
import io.hilnat.host.supernet.elastic.AxisPermutation;
import io.hilnat.host.supernet.elastic.DynamicBatchNorm;
import io.hilnat.host.supernet.elastic.DynamicConv;
import io.hilnat.host.supernet.elastic.DynamicMBConv;
import io.hilnat.host.supernet.elastic.Weights;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The weight-sharing supernet of a {@link SearchSpace}, as DJL arrays: every subnet is a slice of its
 * weights. Forward passes must run inside an {@link ai.djl.ndarray.NDScope} (the trainer and evaluator
 * open one per step), so intermediates never pile up in the long-lived manager.
 */
public final class Supernet implements AutoCloseable {

  private static final int FORMAT = 1;

  private final SearchSpace space;
  private final int inputChannels;
  private final int classes;
  private final NDManager manager;
  private final Weights weights;
  private final DynamicConv stem;
  private final DynamicBatchNorm stemBn;
  private final DynamicMBConv firstBlock;
  private final List<List<DynamicMBConv>> stages = new ArrayList<>();
  private final DynamicConv finalExpand;
  private final DynamicBatchNorm finalExpandBn;
  private final DynamicConv featureMix;
  private final NDArray classifierWeight;
  private final NDArray classifierBias;
  private final boolean channelsLast;

  public Supernet(SearchSpace space, int inputChannels, int classes, NDManager parent, long seed) {
    this(space, inputChannels, classes, seeded(parent.newSubManager(), seed), null);
  }

  private static NDManager seeded(NDManager manager, long seed) {
    manager.getEngine().setRandomSeed((int) seed);
    return manager;
  }

  /** A supernet in {@code manager} whose arrays are copies of {@code source}'s, or freshly initialised when null. */
  private Supernet(SearchSpace space, int inputChannels, int classes, NDManager manager, Weights source) {
    this.space = space;
    this.inputChannels = inputChannels;
    this.classes = classes;
    this.manager = manager;
    this.weights = new Weights(manager, source);
    this.channelsLast = ChannelsLast.use(manager.getDevice());
    double w = space.maxWidth();
    FixedLayerSpec stemSpec = space.stem();
    int channels = SearchSpace.scaledChannels(stemSpec.channels(), w);
    // the images arrive NCHW: the stem's output is the first array laid out channels-last
    stem = new DynamicConv(weights, "stem", inputChannels, channels, stemSpec.kernel(), stemSpec.stride(),
        false);
    stemBn = new DynamicBatchNorm(weights, "stem.bn", channels);
    FixedLayerSpec first = space.firstBlock();
    int firstOut = SearchSpace.scaledChannels(first.channels(), w);
    firstBlock = new DynamicMBConv(weights, "first", channels, firstOut, List.of(first.kernel()), first.expand(),
        first.stride(), first.squeezeExcite(), first.activation(), channelsLast);
    channels = firstOut;
    for (int s = 0; s < space.stages().size(); s++) {
      StageSpec stage = space.stages().get(s);
      int out = SearchSpace.scaledChannels(stage.channels(), w);
      List<DynamicMBConv> layers = new ArrayList<>();
      for (int j = 0; j < space.maxDepth(); j++) {
        layers.add(new DynamicMBConv(weights, "stage" + (s + 1) + ".layer" + (j + 1), j == 0 ? channels : out, out,
            space.kernels(), space.maxExpand(), j == 0 ? stage.stride() : 1, stage.squeezeExcite(),
            stage.activation(), channelsLast));
      }
      stages.add(layers);
      channels = out;
    }
    HeadSpec head = space.head();
    int expand = SearchSpace.scaledChannels(head.expandChannels(), w);
    int features = SearchSpace.scaledChannels(head.featureChannels(), w);
    finalExpand = new DynamicConv(weights, "head.expand", channels, expand, 1, 1, channelsLast);
    finalExpandBn = new DynamicBatchNorm(weights, "head.expand.bn", expand);
    featureMix = new DynamicConv(weights, "head.feature_mix", expand, features, 1, 1, channelsLast);
    classifierWeight = weights.linear("classifier.weight", classes, features);
    classifierBias = weights.zeros("classifier.bias", classes);
  }

  public SearchSpace space() {
    return space;
  }

  public int inputChannels() {
    return inputChannels;
  }

  public int classes() {
    return classes;
  }

  /** Where this supernet's arrays live. */
  public ai.djl.Device device() {
    return manager.getDevice();
  }

  /** The logits of subnet {@code arch} for images {@code [N, C, R, R]} already at its resolution. */
  public NDArray forward(Architecture arch, NDArray images, boolean training) {
    NDArray h = features(arch, images, training);
    int features = (int) h.getShape().get(1);
    HeadSpec head = space.head();
    if (training && head.dropout() > 0) {
      // our own mask: DJL 0.35's dropout on PyTorch gave NaN and huge gradients now and then
      float keep = (float) (1 - head.dropout());
      NDArray mask = h.getManager().randomUniform(0f, 1f, h.getShape()).lt(keep).toType(h.getDataType(), false);
      h = h.mul(mask).div(DjlForward.scalar(h, keep));
    }
    return h.matMul(Weights.leading(classifierWeight, classes, features).transpose()).add(classifierBias);
  }

  /**
   * The subnet's pooled features {@code [N, F]}, the classifier's input: what contrastive learning and
   * k-NN probes work on.
   */
  public NDArray features(Architecture arch, NDArray images, boolean training) {
    double w = arch.width();
    Activation.Kind stemAct = space.stem().activation();
    FixedLayerSpec first = space.firstBlock();
    NDArray h = block(() -> firstBlock.forward(layout(DjlForward.activate(stemAct, stemBn.forward(
        stem.forward(images, SearchSpace.scaledChannels(space.stem().channels(), w)), training))), first.kernel(),
        first.expand(), SearchSpace.scaledChannels(first.channels(), w), training));
    for (int s = 0; s < stages.size(); s++) {
      int out = SearchSpace.scaledChannels(space.stages().get(s).channels(), w);
      List<Layer> layers = arch.stages().get(s);
      for (int j = 0; j < layers.size(); j++) {
        DynamicMBConv layer = stages.get(s).get(j);
        Layer genes = layers.get(j);
        NDArray in = h;
        h = block(() -> layer.forward(in, genes.kernel(), genes.expand(), out, training));
      }
    }
    HeadSpec head = space.head();
    NDArray last = h;
    return block(() -> {
      NDArray x = DjlForward.activate(head.activation(), finalExpandBn.forward(
          finalExpand.forward(last, SearchSpace.scaledChannels(head.expandChannels(), w)), training));
      long spatial = x.getShape().get(2) * x.getShape().get(3);
      x = x.sum(new int[] {2, 3}, true).div(DjlForward.scalar(x, spatial));
      int features = SearchSpace.scaledChannels(head.featureChannels(), w);
      x = DjlForward.activate(head.activation(), featureMix.forward(x, features));
      return x.reshape(x.getShape().get(0), features);
    });
  }

  /**
   * Runs one block in a scope of its own and keeps only its output. DJL keeps every array an operation makes until
   * its scope closes, so without this a forward pass holds all its temporaries (a batch norm's centred copy, an
   * activation's operands) at once: an evaluation batch then needs as much memory as training. Autograd keeps what
   * backward needs whatever the handles.
   */
  private static NDArray block(java.util.function.Supplier<NDArray> body) {
    NDArray out;
    try (NDScope scope = new NDScope()) {
      out = body.get();
      NDScope.unregister(out);
    }
    NDScope.register(out);
    return out;
  }

  /**
   * {@code x} stored channels-last where this device's kernels are exact that way ({@link ChannelsLast}):
   * convolutions, matrix products, batch norms and activations keep the layout, and on CPU oneDNN then runs the
   * depthwise convolutions' weight gradients with its direct kernels instead of a much slower GEMM fallback.
   */
  private NDArray layout(NDArray x) {
    return channelsLast ? ChannelsLast.of(x) : x;
  }

  /** Subnet {@code arch} as a standalone network with its inherited weights and batch-norm statistics. */
  public NetworkDescription extract(Architecture arch) {
    space.validate(arch);
    double w = arch.width();
    List<Node> nodes = new ArrayList<>();
    int channels = SearchSpace.scaledChannels(space.stem().channels(), w);
    nodes.add(stem.describe(inputChannels, channels));
    nodes.add(stemBn.describe(channels));
    nodes.add(new Activation(space.stem().activation()));
    FixedLayerSpec first = space.firstBlock();
    int firstOut = SearchSpace.scaledChannels(first.channels(), w);
    nodes.addAll(firstBlock.describe(channels, first.kernel(), first.expand(), firstOut));
    channels = firstOut;
    for (int s = 0; s < stages.size(); s++) {
      int out = SearchSpace.scaledChannels(space.stages().get(s).channels(), w);
      List<Layer> layers = arch.stages().get(s);
      for (int j = 0; j < layers.size(); j++) {
        nodes.addAll(stages.get(s).get(j).describe(channels, layers.get(j).kernel(), layers.get(j).expand(), out));
        channels = out;
      }
    }
    HeadSpec head = space.head();
    int expand = SearchSpace.scaledChannels(head.expandChannels(), w);
    int features = SearchSpace.scaledChannels(head.featureChannels(), w);
    nodes.add(finalExpand.describe(channels, expand));
    nodes.add(finalExpandBn.describe(expand));
    nodes.add(new Activation(head.activation()));
    nodes.add(new GlobalAvgPool());
    nodes.add(featureMix.describe(expand, features));
    nodes.add(new Activation(head.activation()));
    nodes.add(new Dense(features, classes, Weights.leading(classifierWeight, classes, features).toFloatArray(),
        classifierBias.toFloatArray()));
    return new NetworkDescription(space.name() + "-subnet", inputChannels, arch.resolution(), nodes);
  }

  /**
   * A copy of this supernet, weights and statistics, on the device of {@code parent} (closed with it): a data-parallel
   * replica. It draws no random numbers.
   */
  public Supernet replicate(NDManager parent) {
    return new Supernet(space, inputChannels, classes, parent.newSubManager(), weights);
  }

  /** Sets the arrays {@code names} (parameters or statistics; all of them when null) to {@code from}'s values. */
  public void copyFrom(Supernet from, java.util.Collection<String> names) {
    weights.copyFrom(from.weights, names == null ? weights.all().keySet() : names);
  }

  /** Adds this supernet's gradients of parameters {@code names} into {@code into}'s and zeroes its own. */
  public void moveGradients(Supernet into, java.util.Collection<String> names) {
    weights.moveGradients(into.weights, names);
  }

  /** Trainable arrays, each with a gradient. */
  public List<NDArray> parameters() {
    return weights.parameters();
  }

  /** Sets every parameter's gradient to zero: DJL's backward adds into them. */
  public void zeroGradients() {
    weights.parameters().forEach(Weights::zeroGradient);
  }

  /** Parameter names; those ending in gamma, beta or bias are not weight-decayed. */
  public Map<String, NDArray> namedParameters() {
    return weights.trainable();
  }

  /**
   * The trainable arrays that {@code archs} compute with: those of the stem, the first block, the head and the
   * classifier, of every layer within some subnet's depth and, of a layer's kernel transforms, those its kernels
   * need. A step updates only these, as PyTorch's optimisers skip what has no gradient (OFA's training too): the
   * rest would only decay their momentum into the weights.
   */
  public Map<String, NDArray> namedParameters(java.util.Collection<Architecture> archs) {
    Map<String, Integer> smallestKernel = new java.util.HashMap<>();
    for (Architecture arch : archs) {
      for (int s = 0; s < arch.stages().size(); s++) {
        List<Layer> layers = arch.stages().get(s);
        for (int j = 0; j < layers.size(); j++) {
          smallestKernel.merge("stage" + (s + 1) + ".layer" + (j + 1), layers.get(j).kernel(), Math::min);
        }
      }
    }
    Map<String, NDArray> used = new java.util.LinkedHashMap<>();
    weights.trainable().forEach((name, array) -> {
      if (name.startsWith("stage")) {
        String layer = name.substring(0, name.indexOf('.', name.indexOf('.') + 1));
        Integer kernel = smallestKernel.get(layer);
        int transform = name.indexOf(".transform");
        if (kernel == null || transform >= 0 && kernel > Integer.parseInt(
            name.substring(transform + ".transform".length(), name.lastIndexOf('x')))) {
          return;
        }
      }
      used.put(name, array);
    });
    return used;
  }

  /** Every batch norm (for recalibration). */
  List<DynamicBatchNorm> batchNorms() {
    List<DynamicBatchNorm> all = new ArrayList<>(List.of(stemBn, finalExpandBn));
    all.addAll(firstBlock.batchNorms());
    stages.forEach(layers -> layers.forEach(l -> all.addAll(l.batchNorms())));
    return all;
  }

  /**
   * Sorts every elastic layer's middle channels by importance ({@link DynamicMBConv#sortMiddleChannels}) and
   * returns what it did, for an optimiser whose per-parameter state must follow.
   */
  public List<AxisPermutation> sortChannels() {
    List<AxisPermutation> all = new ArrayList<>(firstBlock.sortMiddleChannels());
    stages.forEach(layers -> layers.forEach(l -> all.addAll(l.sortMiddleChannels())));
    all.forEach(weights::permute);
    return all;
  }

  DynamicMBConv layer(int stage, int index) {
    return stages.get(stage).get(index);
  }

  /** Every array's shape by name, parameters then batch-norm statistics: what {@link #assign} fills. */
  public Map<String, Shape> arrayShapes() {
    Map<String, Shape> shapes = new java.util.LinkedHashMap<>();
    weights.all().forEach((name, array) -> shapes.put(name, array.getShape()));
    return shapes;
  }

  /** The values of array {@code name}, row-major. */
  public float[] values(String name) {
    return array(name).toFloatArray();
  }

  /** Sets array {@code name} to {@code values}, row-major in its shape (another checkpoint's weights). */
  public void assign(String name, float[] values) {
    NDArray target = array(name);
    if (values.length != target.size()) {
      throw new IllegalArgumentException(name + " holds " + target.size() + " values " + target.getShape() + ", not "
          + values.length);
    }
    try (NDArray loaded = manager.create(values, target.getShape())) {
      target.set(new NDIndex(":"), loaded);
    }
  }

  private NDArray array(String name) {
    NDArray array = weights.all().get(name);
    if (array == null) {
      throw new IllegalArgumentException("this supernet has no array named " + name);
    }
    return array;
  }

  /** Writes every parameter and running statistic (gzip; names, shapes, float32 values). */
  public void save(Path file) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(FORMAT);
      out.writeUTF(space.name());
      Map<String, NDArray> all = weights.all();
      out.writeInt(all.size());
      for (Map.Entry<String, NDArray> e : all.entrySet()) {
        out.writeUTF(e.getKey());
        long[] shape = e.getValue().getShape().getShape();
        out.writeInt(shape.length);
        for (long d : shape) {
          out.writeLong(d);
        }
        for (float v : e.getValue().toFloatArray()) {
          out.writeFloat(v);
        }
      }
    }
  }

  /** Reads what {@link #save} wrote into this supernet, which must be of the same space and shape. */
  public void load(Path file) throws IOException {
    Map<String, NDArray> all = weights.all();
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != FORMAT) {
        throw new IOException(file + ": not a hilnat supernet checkpoint of format " + FORMAT);
      }
      String spaceName = in.readUTF();
      if (!spaceName.equals(space.name())) {
        throw new IOException(file + ": checkpoint of space '" + spaceName + "', this supernet is '" + space.name()
            + "'");
      }
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        long[] shape = new long[in.readInt()];
        for (int d = 0; d < shape.length; d++) {
          shape[d] = in.readLong();
        }
        NDArray target = all.get(name);
        if (target == null || !target.getShape().equals(new Shape(shape))) {
          throw new IOException(file + ": array '" + name + "' " + new Shape(shape) + " does not fit this supernet"
              + (target == null ? "" : " (expects " + target.getShape() + ")"));
        }
        float[] values = new float[(int) target.size()];
        for (int v = 0; v < values.length; v++) {
          values[v] = in.readFloat();
        }
        try (NDArray loaded = manager.create(values, target.getShape())) {
          target.set(new NDIndex(":"), loaded);
        }
      }
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
