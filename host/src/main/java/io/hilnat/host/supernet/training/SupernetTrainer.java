package io.hilnat.host.supernet.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.hilnat.host.data.Batches;
import io.hilnat.host.engine.ComputeDevice;
import io.hilnat.host.net.DjlForward;
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
  private final DataParallel devices;

  /** A trainer on the devices {@code --device} chose ({@link ComputeDevice#all()}). */
  public SupernetTrainer(Supernet net, Batches train, Config config, NDManager manager) {
    this(net, train, config, manager, ComputeDevice.all());
  }

  /**
   * A trainer that shares each step's batch among {@code devices} (data-parallel; see {@link DataParallel}), the
   * first being {@code net}'s own.
   */
  public SupernetTrainer(Supernet net, Batches train, Config config, NDManager manager, List<Device> devices) {
    this.net = net;
    this.train = train;
    this.config = config;
    this.state = manager.newSubManager();
    this.optimizer = new NesterovSgd(config.momentum(), config.weightDecay(), state);
    this.devices = new DataParallel(net, devices, state);
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
    devices.broadcast(null);
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
      Map<String, NDArray> used = net.namedParameters(archs);
      boolean skipped = !optimizer.step(used, lr);
      devices.broadcast(used.keySet());
      return new StepResult(loss, count * archs.size(), skipped);
    }
  }

  /**
   * Adds the gradients of the step's summed loss to the supernet's parameters (data-parallel: each device's to its
   * own copy, then the replicas' into the supernet's), back-propagating each subnet's loss right after its forward
   * passes; returns the summed loss, read once, so that a GPU is waited for once a step.
   */
  double backward(List<Architecture> archs, int[] order, int from, int count, long augmentSeed, NDManager step) {
    int shards = devices.size();
    NDManager[] managers = new NDManager[shards];
    NDArray[] labels = new NDArray[shards];
    for (int d = 0; d < shards; d++) {
      managers[d] = d == 0 ? step : step.newSubManager(devices.replica(d).device());
      labels[d] = train.labels(managers[d], order, from + devices.shardStart(d, count), devices.shardSize(d, count))
          .toType(DataType.INT64, false);
    }
    NDArray total = null;
    try (GradientCollector collector = step.getEngine().newGradientCollector()) {
      NDArray[] teachers = new NDArray[shards];
      for (Architecture arch : archs) {
        NDArray subnetLoss;
        try (NDScope subnetScope = new NDScope()) { // frees this subnet's activations before the next runs
          NDArray loss = null;
          // one thread launches every device's forward pass; a GPU's run asynchronously, so the devices overlap
          for (int d = 0; d < shards; d++) {
            int size = devices.shardSize(d, count);
            NDArray images = train.images(managers[d], order, from + devices.shardStart(d, count), size,
                arch.resolution(), config.augment() ? new Random(augmentSeed + d) : null);
            NDArray logProbs = devices.replica(d).forward(arch, images, true).logSoftmax(1);
            NDArray target;
            if (teachers[d] == null) {
              int classes = net.classes();
              target = labels[d].oneHot(classes).mul(1 - config.labelSmoothing())
                  .add(config.labelSmoothing() / classes);
              teachers[d] = logProbs.exp().stopGradient();
              NDScope.unregister(teachers[d]);
            } else {
              target = teachers[d];
            }
            NDArray shardLoss = target.mul(logProbs).sum(new int[] {1}).mean().neg();
            if (shards > 1) { // the mean over the whole batch, on the first device
              shardLoss = shardLoss.mul(DjlForward.scalar(shardLoss, (float) size / count))
                  .toDevice(step.getDevice(), false);
            }
            loss = loss == null ? shardLoss : loss.add(shardLoss);
          }
          collector.backward(loss);
          subnetLoss = loss.stopGradient();
          NDScope.unregister(subnetLoss);
        }
        total = total == null ? subnetLoss : total.add(subnetLoss);
      }
    }
    if (shards > 1) {
      devices.gatherGradients(net.namedParameters(archs).keySet());
    }
    return total.getFloat();
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
    devices.broadcast(null); // replicas start from the weights as they are now, whatever changed them since
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
