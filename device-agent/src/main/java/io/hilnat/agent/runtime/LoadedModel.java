package io.hilnat.agent.runtime;

import java.util.List;

/** A model ready to run with one float32 input. Not thread-safe. */
public interface LoadedModel extends AutoCloseable {
  List<TensorSpec> inputs();

  List<TensorSpec> outputs();

  /** Which delegate runs how many of the model's operators. */
  Delegation delegation();

  /** Copies {@code input} into the input tensor (must have the input's element count). */
  void setInput(float[] input);

  /** One inference on the current input. */
  void invoke();

  /** The first output of the last inference. */
  float[] output();

  /**
   * Per-operator times summed over the runs since the last call, in execution order; empty unless the model
   * was loaded with {@link RunOptions#profileOps()}.
   */
  List<OpTime> takeOpTimes();

  @Override
  void close();
}
