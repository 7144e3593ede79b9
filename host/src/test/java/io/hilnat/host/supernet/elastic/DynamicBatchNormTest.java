package io.hilnat.host.supernet.elastic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The fused training batch norm against the textbook formulas, on the active slice of a wider one. */
class DynamicBatchNormTest {

  @Test
  void fusedTrainingMatchesTheFormulasAndUpdatesOnlyTheActiveSlice() {
    try (NDManager manager = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
      Weights w = new Weights(manager);
      DynamicBatchNorm bn = new DynamicBatchNorm(w, "bn", 8);
      bn.gamma.set(new NDIndex(":"), manager.randomUniform(0.5f, 1.5f, new Shape(8)));
      bn.beta.set(new NDIndex(":"), manager.randomUniform(-0.5f, 0.5f, new Shape(8)));
      NDArray x = manager.randomNormal(1f, 2f, new Shape(4, 5, 3, 3), ai.djl.ndarray.types.DataType.FLOAT32);
      NDArray y = bn.forward(x, true);

      long n = 4 * 3 * 3;
      NDArray mean = x.sum(new int[] {0, 2, 3}).div(n);
      NDArray centred = x.sub(mean.reshape(1, 5, 1, 1));
      NDArray var = centred.square().sum(new int[] {0, 2, 3}).div(n);
      NDArray expected = centred.div(var.add(DynamicBatchNorm.EPS).sqrt().reshape(1, 5, 1, 1))
          .mul(bn.gamma.get(":5").reshape(1, 5, 1, 1)).add(bn.beta.get(":5").reshape(1, 5, 1, 1));
      assertArrayEquals(expected.toFloatArray(), y.toFloatArray(), 1e-4f);
      float[] runningMean = bn.runningMean.toFloatArray();
      float[] runningVar = bn.runningVar.toFloatArray();
      float[] batchMean = mean.toFloatArray();
      float[] unbiased = var.mul((float) n / (n - 1)).toFloatArray();
      for (int c = 0; c < 8; c++) {
        float m = c < 5 ? 0.1f * batchMean[c] : 0f;
        float v = c < 5 ? 0.9f + 0.1f * unbiased[c] : 1f;
        assertArrayEquals(new float[] {m, v}, new float[] {runningMean[c], runningVar[c]}, 1e-5f, "channel " + c);
      }
    }
  }
}
