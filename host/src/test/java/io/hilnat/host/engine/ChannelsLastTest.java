package io.hilnat.host.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The layout check: it passes what agrees with the reference and catches what does not. */
class ChannelsLastTest {

  @Test
  void channelsLastKeepsValuesAndShape() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = manager.arange(2 * 3 * 4 * 5f).reshape(2, 3, 4, 5);
      NDArray y = ChannelsLast.of(x);
      assertEquals(new Shape(2, 3, 4, 5), y.getShape());
      assertArrayEquals(x.toFloatArray(), y.toFloatArray());
    }
  }

  @Test
  void aPointwiseProductIsTheOneByOneConvolution() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = manager.randomNormal(new Shape(2, 24, 6, 5));
      NDArray w = manager.randomNormal(new Shape(40, 24, 1, 1));
      NDArray expected = ai.djl.nn.convolutional.Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(0, 0),
          new Shape(1, 1), 1).singletonOrThrow();
      NDArray product = ChannelsLast.pointwise(ChannelsLast.of(x), w);
      assertEquals(new Shape(2, 40, 6, 5), product.getShape());
      assertTrue(expected.sub(product).abs().max().getFloat() < 1e-4 * expected.abs().max().getFloat());
    }
  }

  @Test
  void nchwAgreesWithTheReferences() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ChannelsLast.Check check = ChannelsLast.run(manager, x -> x);
      assertTrue(check.exact(), check.describe());
      assertTrue(check.worstError() < ChannelsLast.TOLERANCE);
    }
  }

  @Test
  void aLayoutThatChangesValuesIsCaughtAndNamed() {
    try (NDManager manager = NDManager.newBaseManager()) {
      // channels-last, but one input channel slightly off: as a kernel that reads a wrong value would be
      ChannelsLast.Check check = ChannelsLast.run(manager, x -> {
        NDArray copy = ChannelsLast.of(x);
        copy.set(new NDIndex(":, 5"), copy.get(new NDIndex(":, 5")).mul(1.01f));
        return copy;
      });
      assertFalse(check.exact(), check.describe());
      assertTrue(check.describe().contains("convolution of") && check.describe().contains("activations kept NCHW"),
          check.describe());
    }
  }

  @Test
  void thisProcessSaysWhetherItsConvolutionsAreExactChannelsLast() {
    ChannelsLast.Check check = ChannelsLast.on(ai.djl.Device.cpu());
    System.out.println("channels-last on this CPU: " + check.describe());
    // the same answer for the rest of the process
    assertEquals(check, ChannelsLast.on(ai.djl.Device.cpu()));
    String asked = System.getenv("HILNAT_CHANNELS_LAST");
    boolean refused = asked != null && asked.strip().equals("0");
    assertEquals(!refused && check.exact(), ChannelsLast.use(ai.djl.Device.cpu()), "channels-last where exact");
    assertEquals(refused || !check.exact(), ChannelsLast.decision(ai.djl.Device.cpu()).startsWith("not used"));
  }
}
