package io.hilnat.host.transfer;

import java.util.Arrays;

/**
 * A tensor read from a torch.save'd file: its dtype as PyTorch names it, its shape and, for floating-point
 * dtypes, its values in row-major order as float32 (integer tensors, such as batch norm's
 * {@code num_batches_tracked}, keep only dtype and shape: nothing here needs their values).
 */
public record TorchTensor(String dtype, long[] shape, float[] values) {

  public TorchTensor {
    shape = shape.clone();
  }

  public boolean floating() {
    return values != null;
  }

  public long size() {
    return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
  }

  @Override
  public String toString() {
    return dtype + Arrays.toString(shape);
  }
}
