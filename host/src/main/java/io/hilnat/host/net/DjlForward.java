package io.hilnat.host.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.function.Consumer;

/**
 * The host's own inference of a {@link NetworkDescription} with DJL: the reference that exported
 * models are checked against. Every array is created in the caller's manager.
 */
public final class DjlForward {

  private DjlForward() {}

  /** Runs {@code net} on a batch {@code [N, C, H, W]} and returns the last node's output. */
  public static NDArray forward(NetworkDescription net, NDArray input) {
    return forward(net, input, x -> {});
  }

  /**
   * As {@link #forward(NetworkDescription, NDArray)}, showing {@code beforeActivation} the input of every
   * {@link Activation} node (residual bodies included), in order: training-free proxies read unit signs.
   */
  public static NDArray forward(NetworkDescription net, NDArray input, Consumer<NDArray> beforeActivation) {
    return run(net.nodes(), input, beforeActivation);
  }

  /** Convenience: one NCHW image as floats in, the output values out. */
  public static float[] forward(NetworkDescription net, float[] chw, NDManager manager) {
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = scope.create(chw, new Shape(1, net.inputChannels(), net.inputSize(), net.inputSize()));
      return forward(net, x).toFloatArray();
    }
  }

  private static NDArray run(List<Node> nodes, NDArray x, Consumer<NDArray> beforeActivation) {
    for (Node node : nodes) {
      x = apply(node, x, beforeActivation);
    }
    return x;
  }

  private static NDArray apply(Node node, NDArray x, Consumer<NDArray> beforeActivation) {
    NDManager m = x.getManager();
    if (node instanceof Conv2d c) {
      int k = c.kernel();
      NDArray weight = m.create(c.weight(), new Shape(c.outChannels(), c.depthwise() ? 1 : c.inChannels(), k, k));
      NDArray bias = c.bias() == null ? null : m.create(c.bias());
      return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias, new Shape(c.stride(), c.stride()),
              new Shape(k / 2, k / 2), new Shape(1, 1), c.depthwise() ? c.inChannels() : 1)
          .get(0);
    } else if (node instanceof BatchNorm bn) {
      NDArray scale = m.create(bn.gamma()).div(m.create(bn.var()).add(bn.eps()).sqrt());
      NDArray shift = m.create(bn.beta()).sub(m.create(bn.mean()).mul(scale));
      Shape perChannel = new Shape(1, bn.channels(), 1, 1);
      return x.mul(scale.reshape(perChannel)).add(shift.reshape(perChannel));
    } else if (node instanceof Activation a) {
      beforeActivation.accept(x);
      return activate(a.kind(), x);
    } else if (node instanceof SqueezeExcite se) {
      NDArray pooled = globalMean(x).reshape(x.getShape().get(0), se.channels());
      NDArray w1 = m.create(se.reduceWeight(), new Shape(se.reducedChannels(), se.channels()));
      NDArray w2 = m.create(se.expandWeight(), new Shape(se.channels(), se.reducedChannels()));
      NDArray hidden = activate(Activation.Kind.RELU, pooled.matMul(w1.transpose()).add(m.create(se.reduceBias())));
      NDArray gate = activate(Activation.Kind.HSIGMOID, hidden.matMul(w2.transpose()).add(m.create(se.expandBias())));
      return x.mul(gate.reshape(x.getShape().get(0), se.channels(), 1, 1));
    } else if (node instanceof Residual r) {
      return x.add(run(r.body(), x, beforeActivation));
    } else if (node instanceof GlobalAvgPool) {
      return globalMean(x);
    } else if (node instanceof Dense d) {
      NDArray flat = x.reshape(x.getShape().get(0), -1);
      NDArray w = m.create(d.weight(), new Shape(d.outFeatures(), d.inFeatures()));
      return flat.matMul(w.transpose()).add(m.create(d.bias()));
    }
    throw new IllegalArgumentException("unknown node " + node);
  }

  /** Mean over H and W, keeping {@code [N, C, 1, 1]} (PyTorch arrays reduce one axis at a time). */
  private static NDArray globalMean(NDArray x) {
    Shape s = x.getShape();
    return x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2}).reshape(s.get(0), s.get(1), 1, 1);
  }

  /** The activation functions, shared with the supernet, whose gradients flow through them. */
  public static NDArray activate(Activation.Kind kind, NDArray x) {
    return switch (kind) {
      case RELU -> ai.djl.nn.Activation.relu(x); // PyTorch's relu: maximum's backward costs three ops
      case RELU6 -> x.clip(0f, 6f);
      case HSWISH -> x.mul(x.add(3f).clip(0f, 6f)).div(scalar(x, 6f));
      case HSIGMOID -> x.add(3f).clip(0f, 6f).div(scalar(x, 6f));
    };
  }

  /**
   * {@code value} as a 0-d array PyTorch allocated itself, for the operand of mul, div or maximum in a graph that
   * is differentiated. DJL 0.35.1 turns {@code x.div(6f)} into a tensor over a Java direct buffer and closes it
   * at once, yet autograd keeps that tensor for the backward pass: once the garbage collector has freed the
   * buffer, backward reads whatever lies there (infinite, NaN or 1e24 gradients, depending on GC timing).
   */
  public static NDArray scalar(NDArray like, float value) {
    return like.getManager().full(new Shape(), value, like.getDataType());
  }
}
