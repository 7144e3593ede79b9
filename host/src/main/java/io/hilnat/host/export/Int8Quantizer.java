package io.hilnat.host.export;

import static io.hilnat.host.export.TfliteExporter.FUSED_NONE;
import static io.hilnat.host.export.TfliteExporter.FUSED_RELU6;
import static io.hilnat.host.export.TfliteExporter.OPTIONS_ADD;
import static io.hilnat.host.export.TfliteExporter.OPTIONS_MUL;
import static io.hilnat.host.export.TfliteExporter.OP_ADD;
import static io.hilnat.host.export.TfliteExporter.OP_CONV_2D;
import static io.hilnat.host.export.TfliteExporter.OP_DEPTHWISE_CONV_2D;
import static io.hilnat.host.export.TfliteExporter.OP_DEQUANTIZE;
import static io.hilnat.host.export.TfliteExporter.OP_FULLY_CONNECTED;
import static io.hilnat.host.export.TfliteExporter.OP_HARD_SWISH;
import static io.hilnat.host.export.TfliteExporter.OP_MEAN;
import static io.hilnat.host.export.TfliteExporter.OP_MUL;
import static io.hilnat.host.export.TfliteExporter.OP_PAD;
import static io.hilnat.host.export.TfliteExporter.OP_QUANTIZE;
import static io.hilnat.host.export.TfliteExporter.OP_RELU;
import static io.hilnat.host.export.TfliteExporter.OP_RELU6;
import static io.hilnat.host.export.TfliteExporter.TYPE_FLOAT32;
import static io.hilnat.host.export.TfliteExporter.TYPE_INT32;
import static io.hilnat.host.export.TfliteExporter.TYPE_INT8;
import static io.hilnat.host.export.TfliteExporter.TYPE_UINT8;

import io.hilnat.host.export.TfliteExporter.OpSpec;
import io.hilnat.host.export.TfliteExporter.Params;
import io.hilnat.host.export.TfliteExporter.Quantization;
import io.hilnat.host.export.TfliteExporter.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the exporter's float graph into a full-integer one as TFLite's quantisation spec defines it: int8
 * activations per tensor (asymmetric, from calibration), int8 conv and depthwise weights symmetric per output
 * channel (axes 0 and 3), fully-connected weights symmetric per tensor, int32 biases with scale
 * input_scale × weight_scale, PAD keeping its input's parameters. The input becomes uint8 pixels whose
 * quantisation is the training set's normalisation, requantised to int8 by QUANTIZE; the logits are
 * DEQUANTIZEd to float32.
 */
final class Int8Quantizer {

  /** Operators with an int8 kernel in TFLite (and XNNPACK); any other is named in the refusal. */
  private static final Set<Integer> QUANTISABLE = Set.of(OP_PAD, OP_CONV_2D, OP_DEPTHWISE_CONV_2D, OP_ADD, OP_MUL,
      OP_RELU, OP_RELU6, OP_HARD_SWISH, OP_MEAN, OP_FULLY_CONNECTED);
  /** The operator versions whose kernels take int8 (TFLite's op_version rules for these tensor types). */
  static final Map<Integer, Integer> INT8_VERSIONS = Map.ofEntries(Map.entry(OP_CONV_2D, 3),
      Map.entry(OP_DEPTHWISE_CONV_2D, 3), Map.entry(OP_FULLY_CONNECTED, 4), Map.entry(OP_ADD, 2), Map.entry(OP_MUL, 2),
      Map.entry(OP_PAD, 2), Map.entry(OP_MEAN, 2), Map.entry(OP_RELU, 2), Map.entry(OP_RELU6, 2),
      Map.entry(OP_HARD_SWISH, 1), Map.entry(OP_QUANTIZE, 2), Map.entry(OP_DEQUANTIZE, 2));

  /** The graph's new input (uint8) and output (float32) tensors. */
  record Ends(int input, int output) {}

  private Int8Quantizer() {}

  /**
   * Quantises the graph in place. {@code calibration}: NHWC values of tensor {@code input} (the normalised image);
   * {@code inputScale} and {@code inputZeroPoint}: the uint8 pixels' parameters, real = (pixel - zp) · scale.
   */
  static Ends quantize(List<TensorSpec> tensors, List<OpSpec> ops, Map<Integer, Integer> opcodeIndex, int input,
      int output, List<float[]> calibration, float inputScale, int inputZeroPoint, double lowPercentile,
      double highPercentile) {
    for (OpSpec op : ops) {
      if (!QUANTISABLE.contains(op.opcode())) {
        throw new IllegalArgumentException("operator " + op.opcode() + " (builtin code) cannot be quantised to int8 "
            + "here; quantisable: PAD, CONV_2D, DEPTHWISE_CONV_2D, ADD, MUL, RELU, RELU6, HARD_SWISH, MEAN, "
            + "FULLY_CONNECTED");
      }
    }
    decomposeHardSwish(tensors, ops, opcodeIndex);
    float[][] ranges = new GraphCalibrator(tensors, ops).ranges(input, calibration, lowPercentile, highPercentile);
    Quantization[] q = new Quantization[tensors.size()];
    // what PAD pads before a depthwise convolution gets zero point 0: TFLite pads int8 with the zero point, Arm NN
    // (22) folds such a PAD into the convolution and pads with the raw value 0; with a zero point of 0 both pad
    // with real 0, at the cost of one bit for those tensors
    java.util.Set<Integer> padded = new java.util.HashSet<>();
    for (int i = 0; i + 1 < ops.size(); i++) {
      if (ops.get(i).opcode() == OP_PAD && ops.get(i + 1).opcode() == OP_DEPTHWISE_CONV_2D) {
        padded.add(ops.get(i).inputs()[0]);
      }
    }
    q[input] = perTensor(inputScale, inputZeroPoint - 128);
    for (OpSpec op : ops) {
      int out = op.outputs()[0];
      int in = op.inputs()[0];
      q[out] = op.opcode() == OP_PAD ? q[in]
          : padded.contains(out) ? symmetric(ranges[out]) : fromRange(ranges[out]);
      switch (op.opcode()) {
        case OP_CONV_2D, OP_DEPTHWISE_CONV_2D -> {
          int axis = op.opcode() == OP_CONV_2D ? 0 : 3;
          float[] weightScale = weights(tensors, op.inputs()[1], axis);
          bias(tensors, op.inputs()[2], q[in].scale()[0], weightScale);
        }
        case OP_FULLY_CONNECTED -> {
          float[] weightScale = weights(tensors, op.inputs()[1], -1);
          bias(tensors, op.inputs()[2], q[in].scale()[0], weightScale);
        }
        case OP_ADD, OP_MUL -> {
          for (int operand : op.inputs()) {
            if (tensors.get(operand).data() != null) {
              constant(tensors, operand);
            }
          }
        }
        default -> { }
      }
    }
    for (int t = 0; t < tensors.size(); t++) {
      TensorSpec spec = tensors.get(t);
      if (spec.data() == null && q[t] != null) {
        tensors.set(t, new TensorSpec(spec.name(), spec.shape(), TYPE_INT8, null, q[t]));
      }
    }
    TensorSpec first = tensors.get(input);
    tensors.add(new TensorSpec("image", first.shape(), TYPE_UINT8, null, perTensor(inputScale, inputZeroPoint)));
    int image = tensors.size() - 1;
    opcodeIndex.putIfAbsent(OP_QUANTIZE, opcodeIndex.size());
    ops.add(0, new OpSpec(OP_QUANTIZE, new int[] {image}, new int[] {input}, (byte) 0, null, Params.NONE));
    tensors.add(new TensorSpec("logits", tensors.get(output).shape(), TYPE_FLOAT32, null));
    int logits = tensors.size() - 1;
    opcodeIndex.putIfAbsent(OP_DEQUANTIZE, opcodeIndex.size());
    ops.add(new OpSpec(OP_DEQUANTIZE, new int[] {output}, new int[] {logits}, (byte) 0, null, Params.NONE));
    return new Ends(image, logits);
  }

  /**
   * HARD_SWISH as {@code x · relu6(x + 3) / 6}: ADD (fused ReLU6), MUL, MUL. XNNPACK (2.20) has no int8
   * hard-swish, and one node it leaves to TFLite's kernels splits the graph in two: the decomposed form stays in
   * XNNPACK and is calibrated like any other tensor.
   */
  private static void decomposeHardSwish(List<TensorSpec> tensors, List<OpSpec> ops,
      Map<Integer, Integer> opcodeIndex) {
    for (int i = 0; i < ops.size(); i++) {
      OpSpec op = ops.get(i);
      if (op.opcode() != OP_HARD_SWISH) {
        continue;
      }
      int x = op.inputs()[0];
      int[] shape = tensors.get(x).shape();
      int three = add(tensors, new TensorSpec("three", new int[] {1}, TYPE_FLOAT32, floatBytes(3f)));
      int sixth = add(tensors, new TensorSpec("one_sixth", new int[] {1}, TYPE_FLOAT32, floatBytes(1f / 6f)));
      int gate = add(tensors, new TensorSpec("hswish_relu6", shape, TYPE_FLOAT32, null));
      int scaled = add(tensors, new TensorSpec("hswish_gate", shape, TYPE_FLOAT32, null));
      opcodeIndex.putIfAbsent(OP_ADD, opcodeIndex.size());
      opcodeIndex.putIfAbsent(OP_MUL, opcodeIndex.size());
      ops.set(i, new OpSpec(OP_ADD, new int[] {x, three}, new int[] {gate}, OPTIONS_ADD, fused(FUSED_RELU6),
          new Params(1, false, FUSED_RELU6)));
      ops.add(i + 1, new OpSpec(OP_MUL, new int[] {gate, sixth}, new int[] {scaled}, OPTIONS_MUL, fused(FUSED_NONE),
          Params.NONE));
      ops.add(i + 2, new OpSpec(OP_MUL, new int[] {x, scaled}, op.outputs(), OPTIONS_MUL, fused(FUSED_NONE),
          Params.NONE));
    }
  }

  private static int add(List<TensorSpec> tensors, TensorSpec t) {
    tensors.add(t);
    return tensors.size() - 1;
  }

  private static TfliteExporter.OptionsWriter fused(byte activation) {
    return b -> {
      b.startTable(1);
      b.addByte(0, activation, 0);
      return b.endTable();
    };
  }

  private static byte[] floatBytes(float v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
  }

  private static Quantization perTensor(float scale, int zeroPoint) {
    return new Quantization(new float[] {scale}, new long[] {zeroPoint}, 0);
  }

  /** Symmetric int8 (zero point 0) covering [min, max]. */
  private static Quantization symmetric(float[] range) {
    double scale = Math.max(-range[0], range[1]) / 127.0;
    return perTensor((float) (scale > 0 ? scale : 1 / 127.0), 0);
  }

  /** Asymmetric int8 covering [min, max] (which holds 0). */
  private static Quantization fromRange(float[] range) {
    double scale = (range[1] - range[0]) / 255.0;
    if (!(scale > 0)) {
      scale = 1 / 255.0;
    }
    long zeroPoint = Math.round(-128 - range[0] / scale);
    return perTensor((float) scale, (int) Math.max(-128, Math.min(127, zeroPoint)));
  }

  /** Replaces float weights by int8 in [-127, 127], symmetric, per channel along {@code axis} (-1: per tensor). */
  private static float[] weights(List<TensorSpec> tensors, int index, int axis) {
    TensorSpec t = tensors.get(index);
    float[] w = floats(t.data());
    int channels = axis < 0 ? 1 : t.shape()[axis];
    int inner = 1;
    for (int d = axis + 1; d < t.shape().length && axis >= 0; d++) {
      inner *= t.shape()[d];
    }
    float[] maxAbs = new float[channels];
    for (int i = 0; i < w.length; i++) {
      int c = axis < 0 ? 0 : (i / inner) % channels;
      maxAbs[c] = Math.max(maxAbs[c], Math.abs(w[i]));
    }
    float[] scale = new float[channels];
    for (int c = 0; c < channels; c++) {
      // an all-zero channel needs a positive scale too; any will do, its values are exactly 0
      scale[c] = maxAbs[c] > 0 ? maxAbs[c] / 127f : 1f / 127f;
    }
    byte[] data = new byte[w.length];
    for (int i = 0; i < w.length; i++) {
      int c = axis < 0 ? 0 : (i / inner) % channels;
      data[i] = (byte) Math.max(-127, Math.min(127, Math.round(w[i] / scale[c])));
    }
    tensors.set(index, new TensorSpec(t.name(), t.shape(), TYPE_INT8, data,
        new Quantization(scale, new long[channels], Math.max(axis, 0))));
    return scale;
  }

  /** Replaces a float bias by int32 with scale inputScale · weightScale[c], zero point 0. */
  private static void bias(List<TensorSpec> tensors, int index, float inputScale, float[] weightScale) {
    TensorSpec t = tensors.get(index);
    float[] b = floats(t.data());
    float[] scale = new float[b.length];
    ByteBuffer data = ByteBuffer.allocate(4 * b.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int c = 0; c < b.length; c++) {
      scale[c] = inputScale * weightScale[weightScale.length == 1 ? 0 : c];
      data.putInt((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.round((double) b[c] / scale[c]))));
    }
    // per-tensor weights get a per-tensor bias: XNNPACK refuses a per-channel bias beside them
    Quantization q = weightScale.length == 1 ? new Quantization(new float[] {scale[0]}, new long[1], 0)
        : new Quantization(scale, new long[b.length], 0);
    tensors.set(index, new TensorSpec(t.name(), t.shape(), TYPE_INT32, data.array(), q));
  }

  /** A constant operand of ADD or MUL (batch norm, hard-sigmoid's 3 and 1/6): int8 per tensor over its values. */
  private static void constant(List<TensorSpec> tensors, int index) {
    TensorSpec t = tensors.get(index);
    if (t.type() != TYPE_FLOAT32) {
      return; // already quantised: one constant may feed two operators
    }
    float[] v = floats(t.data());
    float lo = 0;
    float hi = 0;
    for (float x : v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    Quantization q = fromRange(new float[] {lo, hi});
    byte[] data = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      long x = Math.round(v[i] / q.scale()[0]) + q.zeroPoint()[0];
      data[i] = (byte) Math.max(-128, Math.min(127, x));
    }
    tensors.set(index, new TensorSpec(t.name(), t.shape(), TYPE_INT8, data, q));
  }

  private static float[] floats(byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[data.length / 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = b.getFloat(4 * i);
    }
    return v;
  }
}
