package io.hilnat.host.supernet.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.hilnat.host.data.Batches;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.supernet.Supernet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Trains a supernet with the sandwich rule: each step runs the largest subnet, the smallest and
 * {@code randomSubnets} sampled ones on the same batch, the largest learning from the labels (with
 * label smoothing) and the others from the largest's predictions (in-place distillation). Each subnet's
 * loss is back-propagated right after its forward pass, its gradients adding to the others': one subnet's
 * activations alive at a time instead of all of them, at the same speed.
 * SGD with Nesterov momentum; no weight decay on batch-norm parameters, transforms and biases.
 */
public final class SupernetTrainer implements Trainer {

  /**
   * Hyper-parameters of the sandwich training. {@code sortChannelsEvery}: sort the middle channels by
   * importance before every such step (0: never; see {@link #sortChannels()}). Off by default: OFA sorts when
   * a shrinking phase first trains smaller expand ratios, but the sandwich rule trains them from the first
   * step, and sorting showed no gain beyond run-to-run noise (docs/results.md). {@code augment}: random shifts
   * of up to an eighth of the image (see {@link Batches#images}); they cost accuracy in runs shorter than an
   * epoch, where nothing overfits yet.
   */
  public record Config(int batchSize, double learningRate, double momentum, double weightDecay,
      int randomSubnets, double labelSmoothing, int warmupSteps, long seed, int sortChannelsEvery, boolean augment) {

    /** Augmented, without channel sorting: fine-tuning one subnet, or training where no expand ratio is smaller. */
    public Config(int batchSize, double learningRate, double momentum, double weightDecay, int randomSubnets,
        double labelSmoothing, int warmupSteps, long seed) {
      this(batchSize, learningRate, momentum, weightDecay, randomSubnets, labelSmoothing, warmupSteps, seed, 0, true);
    }
  }

  private final Supernet net;
  private final Batches train;
  private final Config config;
  private final NesterovSgd optimizer;
  private final NDManager state;

  public SupernetTrainer(Supernet net, Batches train, Config config, NDManager manager) {
    this.net = net;
    this.train = train;
    this.config = config;
    this.state = manager.newSubManager();
    this.optimizer = new NesterovSgd(config.momentum(), config.weightDecay(), state);
  }

  /** Subnets of one sandwich step: largest, smallest, then {@code Config.randomSubnets} random ones. */
  public List<Architecture> sandwich(Random random) {
    return sandwich(net.space(), config.randomSubnets(), random);
  }

  /** Subnets of one sandwich step of {@code space}: largest, smallest, then {@code randomSubnets} random ones. */
  public static List<Architecture> sandwich(SearchSpace space, int randomSubnets, Random random) {
    List<Architecture> archs = new ArrayList<>(List.of(space.largest(), space.smallest()));
    for (int i = 0; i < randomSubnets; i++) {
      archs.add(space.sample(random));
    }
    return archs;
  }

  /**
   * Sorts the supernet's middle channels by importance (OFA's re_organize_middle_weights), so that small
   * expand ratios use the channels that matter most; the momentum buffers follow the permutation.
   */
  public void sortChannels() {
    net.sortChannels().forEach(optimizer::permute);
  }

  /** Learning rate at {@code step} of {@code total}: linear warm-up, then cosine decay to zero. */
  public double learningRate(long step, long total) {
    return Trainer.cosineWithWarmup(step, total, config.learningRate(), config.warmupSteps());
  }

  /**
   * One step on images {@code order[from, from + count)} with the given subnets (the first is the
   * teacher); returns the summed loss.
   */
  public StepResult step(List<Architecture> archs, int[] order, int from, int count, double lr, long augmentSeed) {
    try (NDScope scope = new NDScope(); NDManager step = state.newSubManager()) {
      double loss = backward(archs, order, from, count, augmentSeed, step);
      boolean skipped = !optimizer.step(net.namedParameters(archs), lr);
      return new StepResult(loss, count * archs.size(), skipped);
    }
  }

  /**
   * Adds the gradients of the step's summed loss to the supernet's parameters, back-propagating each subnet's
   * loss right after its forward pass; returns the summed loss.
   */
  double backward(List<Architecture> archs, int[] order, int from, int count, long augmentSeed, NDManager step) {
    NDArray labels = train.labels(step, order, from, count).toType(DataType.INT64, false);
    double total = 0;
    try (GradientCollector collector = step.getEngine().newGradientCollector()) {
      NDArray teacher = null;
      for (Architecture arch : archs) {
        try (NDScope subnetScope = new NDScope()) { // frees this subnet's activations before the next runs
          NDArray images = train.images(step, order, from, count, arch.resolution(),
              config.augment() ? new Random(augmentSeed) : null);
          NDArray logProbs = net.forward(arch, images, true).logSoftmax(1);
          NDArray target;
          if (teacher == null) {
            int classes = net.classes();
            target = labels.oneHot(classes).mul(1 - config.labelSmoothing()).add(config.labelSmoothing() / classes);
            teacher = logProbs.exp().stopGradient();
            NDScope.unregister(teacher);
          } else {
            target = teacher;
          }
          NDArray subnetLoss = target.mul(logProbs).sum(new int[] {1}).mean().neg();
          collector.backward(subnetLoss);
          total += subnetLoss.getFloat();
        }
      }
    }
    return total;
  }

  /** Runs {@code steps} sandwich steps over shuffled epochs; {@code onStep} sees each result. */
  public void train(long firstStep, long steps, long totalSteps, Random random,
      java.util.function.BiConsumer<Long, StepResult> onStep, Supplier<Boolean> keepGoing) {
    train(firstStep, steps, totalSteps, random, this::sandwich, onStep, keepGoing);
  }

  /**
   * Runs {@code steps} steps over shuffled epochs, each on the subnets {@code subnets} draws (the first
   * is the teacher); {@code onStep} sees each result.
   */
  @Override
  public void train(long firstStep, long steps, long totalSteps, Random random,
      Function<Random, List<Architecture>> subnets, java.util.function.BiConsumer<Long, StepResult> onStep,
      Supplier<Boolean> keepGoing) {
    EpochOrder epochs = new EpochOrder(train, config.batchSize(), config.seed());
    for (long s = firstStep; s < firstStep + steps && keepGoing.get(); s++) {
      if (config.sortChannelsEvery() > 0 && s > 0 && s % config.sortChannelsEvery() == 0) {
        sortChannels();
      }
      StepResult r = step(subnets.apply(random), epochs.order(s), epochs.from(s), epochs.batch(),
          learningRate(s, totalSteps), random.nextLong());
      onStep.accept(s, r);
    }
  }

  @Override
  public Map<String, NDArray> state() {
    return TrainerState.prefixed(TrainerState.MOMENTUM, optimizer.velocities());
  }

  @Override
  public void restore(Map<String, NDArray> saved) {
    TrainerState.unprefixed(TrainerState.MOMENTUM, saved).forEach(optimizer::restore);
  }
}
