package io.hilnat.host.supernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.hilnat.host.data.Batches;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Trains a supernet with the sandwich rule: each step runs the largest subnet, the smallest and
 * {@code randomSubnets} sampled ones on the same batch, the largest learning from the labels (with
 * label smoothing) and the others from the largest's predictions (in-place distillation); their
 * losses are summed and back-propagated once, so the transformed kernels are computed once per step.
 * SGD with Nesterov momentum; no weight decay on batch-norm parameters, transforms and biases.
 */
public final class SupernetTrainer {

  /** Hyper-parameters of the sandwich training. */
  public record Config(int batchSize, double learningRate, double momentum, double weightDecay,
      int randomSubnets, double labelSmoothing, int warmupSteps, long seed) {}

  /** What a step did; {@code skipped} when its gradients were not finite and no update was made. */
  public record StepResult(double loss, int images, boolean skipped) {}

  /** Gradients are clipped to this global L2 norm: batch norms on near-constant channels can spike them. */
  private static final double MAX_GRADIENT_NORM = 5.0;

  private final Supernet net;
  private final Batches train;
  private final Config config;
  private final Map<String, NDArray> velocity = new HashMap<>();
  private final NDManager state;

  public SupernetTrainer(Supernet net, Batches train, Config config, NDManager manager) {
    this.net = net;
    this.train = train;
    this.config = config;
    this.state = manager.newSubManager();
  }

  /** Subnets of one sandwich step: largest, smallest, then random ones. */
  public List<Architecture> sandwich(Random random) {
    SearchSpace space = net.space();
    List<Architecture> archs = new ArrayList<>(List.of(space.largest(), space.smallest()));
    for (int i = 0; i < config.randomSubnets(); i++) {
      archs.add(space.sample(random));
    }
    return archs;
  }

  /** Learning rate at {@code step} of {@code total}: linear warm-up, then cosine decay to zero. */
  public double learningRate(long step, long total) {
    if (step < config.warmupSteps()) {
      return config.learningRate() * (step + 1) / config.warmupSteps();
    }
    double progress = (double) (step - config.warmupSteps()) / Math.max(1, total - config.warmupSteps());
    return 0.5 * config.learningRate() * (1 + Math.cos(Math.PI * Math.min(1, progress)));
  }

  /**
   * One step on images {@code order[from, from + count)} with the given subnets (the first is the
   * teacher); returns the summed loss.
   */
  public StepResult step(List<Architecture> archs, int[] order, int from, int count, double lr, long augmentSeed) {
    double loss;
    boolean skipped;
    try (NDScope scope = new NDScope(); NDManager step = state.newSubManager()) {
      NDArray labels = train.labels(step, order, from, count).toType(DataType.INT64, false);
      try (AutoCloseable kernels = net.shareKernels();
          GradientCollector collector = step.getEngine().newGradientCollector()) {
        NDArray total = null;
        NDArray teacher = null;
        for (Architecture arch : archs) {
          NDArray images = train.images(step, order, from, count, arch.resolution(), new Random(augmentSeed));
          NDArray logProbs = net.forward(arch, images, true).logSoftmax(1);
          NDArray target;
          if (teacher == null) {
            int classes = net.classes();
            target = labels.oneHot(classes).mul(1 - config.labelSmoothing()).add(config.labelSmoothing() / classes);
            teacher = logProbs.exp().stopGradient();
          } else {
            target = teacher;
          }
          NDArray subnetLoss = target.mul(logProbs).sum(new int[] {1}).mean().neg();
          total = total == null ? subnetLoss : total.add(subnetLoss);
        }
        collector.backward(total);
        loss = total.getFloat();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      skipped = !update(lr);
    }
    return new StepResult(loss, count * archs.size(), skipped);
  }

  /** SGD with Nesterov momentum; returns false (and only clears the gradients) when they are not finite. */
  private boolean update(double lr) {
    double squares = 0;
    for (NDArray p : net.parameters()) {
      squares += p.getGradient().square().sum().getFloat();
    }
    double norm = Math.sqrt(squares);
    if (!Double.isFinite(norm)) {
      net.zeroGradients();
      return false;
    }
    double scale = norm > MAX_GRADIENT_NORM ? MAX_GRADIENT_NORM / norm : 1.0;
    for (Map.Entry<String, NDArray> e : net.namedParameters().entrySet()) {
      NDArray p = e.getValue();
      NDArray g = p.getGradient().mul(scale);
      boolean decay = p.getShape().dimension() > 1 && !e.getKey().contains("transform");
      NDArray grad = decay ? g.add(p.mul(config.weightDecay())) : g;
      NDArray v = velocity.computeIfAbsent(e.getKey(), k -> {
        NDArray zeros = state.zeros(p.getShape());
        NDScope.unregister(zeros);
        return zeros;
      });
      v.muli(config.momentum()).addi(grad);
      p.subi(grad.add(v.mul(config.momentum())).mul(lr));
      Weights.zeroGradient(p);
    }
    return true;
  }

  /** Runs {@code steps} sandwich steps over shuffled epochs; {@code onStep} sees each result. */
  public void train(long firstStep, long steps, long totalSteps, Random random,
      java.util.function.BiConsumer<Long, StepResult> onStep, Supplier<Boolean> keepGoing) {
    int n = train.set().count();
    int batch = Math.min(config.batchSize(), n);
    int perEpoch = n / batch;
    int[] order = null;
    int epoch = -1;
    for (long s = firstStep; s < firstStep + steps && keepGoing.get(); s++) {
      int e = (int) (s / perEpoch);
      if (e != epoch) {
        epoch = e;
        order = train.shuffled(new Random(config.seed() * 1_000_003L + e));
      }
      int from = (int) (s % perEpoch) * batch;
      StepResult r = step(sandwich(random), order, from, batch, learningRate(s, totalSteps), random.nextLong());
      onStep.accept(s, r);
    }
  }
}
