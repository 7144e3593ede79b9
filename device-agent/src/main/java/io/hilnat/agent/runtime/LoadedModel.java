package io.hilnat.agent.runtime;

import java.util.List;

/** A model ready to run with one float32 input. Not thread-safe. */
public interface LoadedModel extends AutoCloseable {
  List<TensorSpec> inputs();

  List<TensorSpec> outputs();

  /** Copies {@code input} into the input tensor (must have the input's element count). */
  void setInput(float[] input);

  /** One inference on the current input. */
  void invoke();

  /** The first output of the last inference. */
  float[] output();

  @Override
  void close();
}
