package io.hilnat.host.supernet.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import io.hilnat.host.data.Augmentation;
import io.hilnat.host.data.BatchLoader;
import io.hilnat.host.data.Batches;
import io.hilnat.host.net.Activation;
import io.hilnat.host.net.DjlForward;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.elastic.Weights;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Self-supervised supernet training with no labels (SSWP-NAS): every subnet of a step sees two augmented
 * views of the same images, and SimCLR's InfoNCE loss pulls each image's two projected features together
 * and pushes the other images of the batch away. The projection head (SimCLR's: linear, batch norm, ReLU,
 * linear) is the trainer's own; it is checkpointed with the trainer's state and handed on from one adaptation to
 * the next, and only the supernet's weights go into subnets. Each subnet's loss is back-propagated right after
 * its forward passes, its gradients adding to the others', and one view at a time ({@link #accumulateGradients}),
 * so one view's activations are alive at a time.
 */
public final class ContrastiveTrainer implements Trainer {

  /**
   * Hyper-parameters. The temperature is SimCLR's τ: SimCLR used 0.1 on ImageNet at batch 4096 and 0.5 on CIFAR-10,
   * and tried 0.05-1; small batches have few negatives and do better towards the middle of that range. The learning
   * rate rises linearly over {@code warmupSteps}, then follows a cosine to zero.
   */
  public record Config(int batchSize, double learningRate, double temperature, int projectionDim, int warmupSteps,
      long seed) {}

  private static final int HIDDEN = 128;

  private final Supernet net;
  private final Batches data;
  private final Augmentation augmentation;
  private final Config config;
  private final NDManager state;
  private final Weights head;
  private final NDArray hiddenWeight;
  private final NDArray hiddenBias;
  private final NDArray hiddenGamma;
  private final NDArray hiddenBeta;
  private final NDArray outputWeight;
  private final NesterovSgd optimizer;

  /**
   * What to tell a user who chose several GPUs: contrastive training runs on the first alone, since its loss compares
   * every image with every other of the batch and is not split among devices. Empty with one device.
   */
  public static java.util.Optional<String> oneDeviceNote() {
    java.util.List<ai.djl.Device> devices = io.hilnat.host.engine.ComputeDevice.all();
    return devices.size() < 2 ? java.util.Optional.empty() : java.util.Optional.of("contrastive training runs on "
        + devices.get(0) + " alone; only supervised supernet training is data-parallel over " + devices);
  }

  public ContrastiveTrainer(Supernet net, Batches unlabelled, Augmentation augmentation, Config config,
      NDManager manager) {
    this.net = net;
    this.data = unlabelled;
    this.augmentation = augmentation;
    this.config = config;
    this.state = manager.newSubManager();
    this.head = new Weights(state);
    SearchSpace space = net.space();
    int features = SearchSpace.scaledChannels(space.head().featureChannels(), space.maxWidth());
    hiddenWeight = head.linear("projection.hidden.weight", HIDDEN, features);
    hiddenBias = head.zeros("projection.hidden.bias", HIDDEN);
    hiddenGamma = head.ones("projection.hidden.bn.gamma", HIDDEN);
    hiddenBeta = head.zeros("projection.hidden.bn.beta", HIDDEN);
    outputWeight = head.linear("projection.output.weight", config.projectionDim(), HIDDEN);
    optimizer = new NesterovSgd(0.9, 1e-5, state);
  }

  /** One step on images {@code indices} (unlabelled) with the given subnets; returns the summed loss. */
  public StepResult step(List<Architecture> archs, int[] indices, double lr, long augmentSeed) {
    double loss;
    boolean skipped;
    try (NDScope scope = new NDScope(); NDManager step = state.newSubManager()) {
      loss = 0;
      for (Architecture arch : archs) {
        try (NDScope subnetScope = new NDScope()) {
          // the same seed gives every subnet the same two views, at its own resolution
          BatchLoader.Pair views = data.pair(step, indices, arch.resolution(), augmentation, augmentSeed);
          loss += accumulateGradients(arch, views);
        }
      }
      Map<String, NDArray> parameters = new LinkedHashMap<>(net.namedParameters(archs));
      parameters.putAll(head.trainable());
      skipped = !optimizer.step(parameters, lr);
    }
    return new StepResult(loss, indices.length * archs.size() * 2, skipped);
  }

  /**
   * Adds one subnet's InfoNCE gradients on two views to the parameters' and returns its loss. As GradCache (Gao et
   * al., 2021) does, the loss needs both views' features but back-propagation needs only one view's activations at
   * a time: both views' features are computed with no graph, the loss's gradient with respect to them (and the
   * head's) is taken, then each view is run again with a graph and back-propagated with that gradient. The
   * gradients are those of one pass over both views (the batch statistics are the same in both runs); the running
   * statistics are updated twice, which nothing reads: every evaluation recalibrates them first.
   */
  double accumulateGradients(Architecture arch, BatchLoader.Pair views) {
    NDArray first = net.features(arch, views.first(), true);
    NDArray second = net.features(arch, views.second(), true);
    double loss;
    try (GradientCollector collector = first.getManager().getEngine().newGradientCollector()) {
      for (NDArray features : List.of(first, second)) {
        features.setRequiresGradient(true);
        Weights.zeroGradient(features);
      }
      NDArray subnetLoss = infoNce(project(first), project(second), config.temperature());
      collector.backward(subnetLoss);
      loss = subnetLoss.getFloat();
    }
    backward(arch, views.first(), first.getGradient());
    backward(arch, views.second(), second.getGradient());
    return loss;
  }

  /** Back-propagates {@code gradient}, the loss's with respect to the features of {@code images}, into the net. */
  private void backward(Architecture arch, NDArray images, NDArray gradient) {
    try (NDScope viewScope = new NDScope();
        GradientCollector collector = images.getManager().getEngine().newGradientCollector()) {
      collector.backward(net.features(arch, images, true).mul(gradient).sum());
    }
  }

  NDArray project(NDArray features) {
    long f = features.getShape().get(1);
    NDArray hidden = features.matMul(Weights.leading(hiddenWeight, HIDDEN, f).transpose()).add(hiddenBias);
    // SimCLR's head: linear, batch norm over the batch, ReLU, linear (its running statistics would never be used)
    NDArray centred = hidden.sub(hidden.mean(new int[] {0}, true));
    NDArray deviation = centred.square().mean(new int[] {0}, true).add(DjlForward.scalar(centred, 1e-5f)).sqrt();
    hidden = centred.div(deviation).mul(hiddenGamma).add(hiddenBeta);
    return DjlForward.activate(Activation.Kind.RELU, hidden).matMul(outputWeight.transpose());
  }

  /**
   * SimCLR's NT-Xent: with {@code z = [z1; z2]} L2-normalised, each row's positive is its other view and
   * its negatives are the other 2N − 2 rows; cross-entropy over cosine similarities / temperature.
   */
  public static NDArray infoNce(NDArray z1, NDArray z2, double temperature) {
    int n = (int) z1.getShape().get(0);
    NDArray z = NDArrays.concat(new ai.djl.ndarray.NDList(z1, z2), 0);
    z = z.div(z.square().sum(new int[] {1}, true).add(1e-12f).sqrt());
    NDManager m = z.getManager();
    NDArray self = m.eye(2 * n).mul(1e9f);
    NDArray logProbs = z.matMul(z.transpose()).div(DjlForward.scalar(z, (float) temperature)).sub(self).logSoftmax(1);
    int[] positive = new int[2 * n];
    for (int i = 0; i < 2 * n; i++) {
      positive[i] = (i + n) % (2 * n);
    }
    NDArray target = m.create(positive).oneHot(2 * n);
    return logProbs.mul(target).sum(new int[] {1}).mean().neg();
  }

  @Override
  public void train(long firstStep, long steps, long totalSteps, Random random,
      Function<Random, List<Architecture>> subnets, BiConsumer<Long, StepResult> onStep, Supplier<Boolean> keepGoing) {
    EpochOrder epochs = new EpochOrder(data, config.batchSize(), config.seed());
    for (long s = firstStep; s < firstStep + steps && keepGoing.get(); s++) {
      int from = epochs.from(s);
      int[] indices = java.util.Arrays.copyOfRange(epochs.order(s), from, from + epochs.batch());
      double lr = Trainer.cosineWithWarmup(s, totalSteps, config.learningRate(), config.warmupSteps());
      onStep.accept(s, step(subnets.apply(random), indices, lr, random.nextLong()));
    }
  }

  /** The momentum and the projection head: the head is this trainer's, so without it a resume starts one afresh. */
  @Override
  public Map<String, NDArray> state() {
    Map<String, NDArray> all = new java.util.LinkedHashMap<>(TrainerState.prefixed(TrainerState.MOMENTUM,
        optimizer.velocities()));
    all.putAll(TrainerState.prefixed(TrainerState.HEAD, head.trainable()));
    return all;
  }

  @Override
  public void restore(Map<String, NDArray> saved) {
    TrainerState.unprefixed(TrainerState.MOMENTUM, saved).forEach(optimizer::restore);
    restoreHead(saved);
  }

  /** The projection head alone, as a new adaptation takes it over from the one before. */
  public void restoreHead(Map<String, NDArray> saved) {
    TrainerState.unprefixed(TrainerState.HEAD, saved).forEach((name, values) -> {
      NDArray p = head.trainable().get(name);
      if (p != null && p.getShape().equals(values.getShape())) {
        p.set(new NDIndex(":"), values);
      }
    });
  }
}
