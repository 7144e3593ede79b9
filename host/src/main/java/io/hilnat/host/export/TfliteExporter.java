package io.hilnat.host.export;

import com.google.flatbuffers.FlatBufferBuilder;
import io.hilnat.host.net.Activation;
import io.hilnat.host.net.BatchNorm;
import io.hilnat.host.net.Conv2d;
import io.hilnat.host.net.Dense;
import io.hilnat.host.net.GlobalAvgPool;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.net.Node;
import io.hilnat.host.net.Residual;
import io.hilnat.host.net.SqueezeExcite;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link NetworkDescription} as a TFLite flatbuffer (schema v3), float32, batch 1.
 *
 * <p>The input tensor is NHWC {@code [1, size, size, channels]} (the host's NCHW arrays must be
 * transposed before they are sent); the output is {@code [1, classes]} or NHWC when the network ends
 * in a feature map. Batch norms are folded into the preceding convolution; ReLU / ReLU6 are fused
 * into convolutions. Strided convolutions get an explicit PAD so the padding is PyTorch's symmetric
 * {@code k / 2} rather than TFLite's SAME, which pads only after on even inputs.
 */
public final class TfliteExporter {

  // BuiltinOperator codes and BuiltinOptions union indices from TFLite's schema.fbs.
  static final int OP_ADD = 0;
  static final int OP_CONV_2D = 3;
  static final int OP_DEPTHWISE_CONV_2D = 4;
  static final int OP_FULLY_CONNECTED = 9;
  static final int OP_MUL = 18;
  static final int OP_RELU = 19;
  static final int OP_RELU6 = 21;
  static final int OP_PAD = 34;
  static final int OP_MEAN = 40;
  static final int OP_HARD_SWISH = 117;

  private static final byte OPTIONS_CONV_2D = 1;
  private static final byte OPTIONS_DEPTHWISE_CONV_2D = 2;
  private static final byte OPTIONS_FULLY_CONNECTED = 8;
  static final byte OPTIONS_ADD = 11;
  static final byte OPTIONS_MUL = 21;
  private static final byte OPTIONS_PAD = 22;
  private static final byte OPTIONS_REDUCER = 27;

  static final byte FUSED_NONE = 0;
  static final byte FUSED_RELU = 1;
  static final byte FUSED_RELU6 = 3;

  private static final byte PADDING_SAME = 0;
  private static final byte PADDING_VALID = 1;

  static final byte TYPE_FLOAT32 = 0;
  static final byte TYPE_INT32 = 2;
  static final byte TYPE_UINT8 = 3;
  static final byte TYPE_INT8 = 9;
  static final int OP_DEQUANTIZE = 6;
  static final int OP_QUANTIZE = 114;

  /** Exports {@code net}; the description is not modified. */
  public byte[] export(NetworkDescription net) {
    return new Writer(net, null).write();
  }

  /**
   * Exports {@code net} with TFLite model metadata: {@code metadata} is a ModelMetadata flatbuffer (identifier
   * "M001"), kept in a buffer that the model's {@code metadata} list names "TFLITE_METADATA", where TFLite's
   * metadata readers look for it.
   */
  public byte[] export(NetworkDescription net, byte[] metadata) {
    return new Writer(net, metadata).write();
  }

  /**
   * {@code net} as a file whose latency alone is measured: fp32 as it is, or int8 calibrated on random inputs (the
   * ranges do not change the work).
   */
  public byte[] exportForLatency(NetworkDescription net, boolean int8) {
    return int8 ? exportInt8(net, Int8Calibration.random(net.inputChannels() * net.inputSize() * net.inputSize(), 1),
        null) : export(net);
  }

  /**
   * Exports {@code net} fully quantised to int8 ({@link Int8Quantizer}): uint8 pixels in, the calibration's
   * normalisation as the input's quantisation, float32 logits out.
   */
  public byte[] exportInt8(NetworkDescription net, Int8Calibration calibration, byte[] metadata) {
    Writer writer = new Writer(net, metadata);
    writer.calibration = calibration;
    return writer.write();
  }

  /**
   * A tensor of the graph under construction: NHWC shape, optional constant data (little-endian values of
   * {@code type}), and for an integer tensor its quantisation.
   */
  record TensorSpec(String name, int[] shape, byte type, byte[] data, Quantization quantization) {
    TensorSpec(String name, int[] shape, byte type, byte[] data) {
      this(name, shape, type, data, null);
    }

    int elements() {
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /** real = (q - zeroPoint[c]) · scale[c]; one value per tensor, or one per channel along {@code axis}. */
  record Quantization(float[] scale, long[] zeroPoint, int axis) {}

  /** What computing an operator needs beyond its tensors: stride, VALID (else SAME) padding, fused activation. */
  record Params(int stride, boolean valid, byte fused) {
    static final Params NONE = new Params(1, false, FUSED_NONE);
  }

  /** An operator of the graph under construction; options are written late, in the builder. */
  record OpSpec(int opcode, int[] inputs, int[] outputs, byte optionsType, OptionsWriter options, Params params) {}

  @FunctionalInterface
  interface OptionsWriter {
    int write(FlatBufferBuilder b);
  }

  /** Builds the tensor and operator lists by walking the description, then serialises them. */
  private static final class Writer {
    private final NetworkDescription net;
    private final byte[] metadata;
    private Int8Calibration calibration;
    private final List<TensorSpec> tensors = new ArrayList<>();
    private final List<OpSpec> ops = new ArrayList<>();
    private final Map<Integer, Integer> opcodeIndex = new LinkedHashMap<>();
    private int[] shape; // NHWC shape of the current tensor
    private int current; // index of the current tensor

    Writer(NetworkDescription net, byte[] metadata) {
      this.net = net;
      this.metadata = metadata;
    }

    byte[] write() {
      shape = new int[] {1, net.inputSize(), net.inputSize(), net.inputChannels()};
      current = addTensor("input", shape, null);
      int input = current;
      emit(net.nodes());
      if (calibration == null) {
        return serialise(input, current);
      }
      List<float[]> images = calibration.images().stream()
          .map(chw -> NetworkDescription.nhwc(chw, net.inputChannels(), net.inputSize())).toList();
      Int8Quantizer.Ends ends = Int8Quantizer.quantize(tensors, ops, opcodeIndex, input, current, images,
          calibration.inputScale(), calibration.inputZeroPoint(), calibration.lowPercentile(),
          calibration.highPercentile());
      return serialise(ends.input(), ends.output());
    }

    private void emit(List<Node> nodes) {
      for (int i = 0; i < nodes.size(); i++) {
        Node node = nodes.get(i);
        if (node instanceof Conv2d conv) {
          BatchNorm bn = i + 1 < nodes.size() && nodes.get(i + 1) instanceof BatchNorm b ? b : null;
          if (bn != null) {
            i++;
          }
          byte fused = FUSED_NONE;
          if (i + 1 < nodes.size() && nodes.get(i + 1) instanceof Activation a
              && (a.kind() == Activation.Kind.RELU || a.kind() == Activation.Kind.RELU6)) {
            fused = a.kind() == Activation.Kind.RELU ? FUSED_RELU : FUSED_RELU6;
            i++;
          }
          conv(conv, bn, fused);
        } else if (node instanceof BatchNorm bn) {
          batchNorm(bn);
        } else if (node instanceof Activation a) {
          activation(a.kind());
        } else if (node instanceof SqueezeExcite se) {
          squeezeExcite(se);
        } else if (node instanceof Residual r) {
          int skip = current;
          int[] skipShape = shape.clone();
          emit(r.body());
          if (!java.util.Arrays.equals(skipShape, shape)) {
            throw new IllegalArgumentException("residual body changes shape "
                + java.util.Arrays.toString(skipShape) + " -> " + java.util.Arrays.toString(shape));
          }
          binary(OP_ADD, OPTIONS_ADD, skip, current, shape);
        } else if (node instanceof GlobalAvgPool) {
          mean();
        } else if (node instanceof Dense d) {
          dense(d);
        }
      }
    }

    private void conv(Conv2d conv, BatchNorm bn, byte fused) {
      if (shape[3] != conv.inChannels()) {
        throw new IllegalArgumentException(
            "conv expects " + conv.inChannels() + " input channels, the tensor has " + shape[3]);
      }
      int k = conv.kernel();
      int out = conv.outChannels();
      int in = conv.inChannels();
      float[] scale = new float[out];
      float[] bias = new float[out];
      for (int o = 0; o < out; o++) {
        float b = conv.bias() == null ? 0f : conv.bias()[o];
        if (bn == null) {
          scale[o] = 1f;
          bias[o] = b;
        } else {
          scale[o] = (float) (bn.gamma()[o] / Math.sqrt(bn.var()[o] + bn.eps()));
          bias[o] = bn.beta()[o] + (b - bn.mean()[o]) * scale[o];
        }
      }
      float[] filter;
      int[] filterShape;
      if (conv.depthwise()) {
        // OIHW [C,1,K,K] -> [1,K,K,C]
        filter = new float[k * k * out];
        for (int c = 0; c < out; c++) {
          for (int y = 0; y < k; y++) {
            for (int x = 0; x < k; x++) {
              filter[(y * k + x) * out + c] = conv.weight()[(c * k + y) * k + x] * scale[c];
            }
          }
        }
        filterShape = new int[] {1, k, k, out};
      } else {
        // OIHW [O,I,K,K] -> [O,K,K,I]
        filter = new float[out * k * k * in];
        for (int o = 0; o < out; o++) {
          for (int c = 0; c < in; c++) {
            for (int y = 0; y < k; y++) {
              for (int x = 0; x < k; x++) {
                filter[((o * k + y) * k + x) * in + c] = conv.weight()[((o * in + c) * k + y) * k + x] * scale[o];
              }
            }
          }
        }
        filterShape = new int[] {out, k, k, in};
      }
      int pad = k / 2;
      byte padding = PADDING_SAME;
      if (conv.stride() > 1 && pad > 0) {
        padTensor(pad);
        padding = PADDING_VALID;
      }
      int filterTensor = addTensor("filter", filterShape, floats(filter));
      int biasTensor = addTensor("bias", new int[] {out}, floats(bias));
      int size = padding == PADDING_VALID ? (shape[1] - k) / conv.stride() + 1 : conv.outputSize(shape[1]);
      int sizeW = padding == PADDING_VALID ? (shape[2] - k) / conv.stride() + 1 : conv.outputSize(shape[2]);
      int[] outShape = {1, size, sizeW, out};
      int stride = conv.stride();
      byte pad2 = padding;
      Params params = new Params(stride, padding == PADDING_VALID, fused);
      if (conv.depthwise()) {
        addOp(OP_DEPTHWISE_CONV_2D, new int[] {current, filterTensor, biasTensor}, outShape,
            OPTIONS_DEPTHWISE_CONV_2D, b -> {
              b.startTable(7);
              b.addByte(0, pad2, 0);
              b.addInt(1, stride, 0);
              b.addInt(2, stride, 0);
              b.addInt(3, 1, 0);
              b.addByte(4, fused, 0);
              b.addInt(5, 1, 1);
              b.addInt(6, 1, 1);
              return b.endTable();
            }, params);
      } else {
        addOp(OP_CONV_2D, new int[] {current, filterTensor, biasTensor}, outShape, OPTIONS_CONV_2D, b -> {
          b.startTable(6);
          b.addByte(0, pad2, 0);
          b.addInt(1, stride, 0);
          b.addInt(2, stride, 0);
          b.addByte(3, fused, 0);
          b.addInt(4, 1, 1);
          b.addInt(5, 1, 1);
          return b.endTable();
        }, params);
      }
    }

    private void padTensor(int pad) {
      int paddings = addTensor("paddings", new int[] {4, 2}, ints(0, 0, pad, pad, pad, pad, 0, 0));
      int[] outShape = {shape[0], shape[1] + 2 * pad, shape[2] + 2 * pad, shape[3]};
      addOp(OP_PAD, new int[] {current, paddings}, outShape, OPTIONS_PAD, b -> {
        b.startTable(0);
        return b.endTable();
      });
    }

    /** A batch norm not preceded by a conv: {@code x * scale + shift} with broadcast constants. */
    private void batchNorm(BatchNorm bn) {
      float[] scale = new float[bn.channels()];
      float[] shift = new float[bn.channels()];
      for (int c = 0; c < bn.channels(); c++) {
        scale[c] = (float) (bn.gamma()[c] / Math.sqrt(bn.var()[c] + bn.eps()));
        shift[c] = bn.beta()[c] - bn.mean()[c] * scale[c];
      }
      int[] constShape = {1, 1, 1, bn.channels()};
      binary(OP_MUL, OPTIONS_MUL, current, addTensor("bn_scale", constShape, floats(scale)), shape);
      binary(OP_ADD, OPTIONS_ADD, current, addTensor("bn_shift", constShape, floats(shift)), shape);
    }

    private void activation(Activation.Kind kind) {
      switch (kind) {
        case RELU -> addOp(OP_RELU, new int[] {current}, shape, (byte) 0, null);
        case RELU6 -> addOp(OP_RELU6, new int[] {current}, shape, (byte) 0, null);
        case HSWISH -> addOp(OP_HARD_SWISH, new int[] {current}, shape, (byte) 0, null);
        case HSIGMOID -> hardSigmoid();
      }
    }

    /** {@code relu6(x + 3) / 6} as ADD (fused ReLU6) then MUL. */
    private void hardSigmoid() {
      int three = addTensor("three", new int[] {1}, floats(new float[] {3f}));
      int sixth = addTensor("one_sixth", new int[] {1}, floats(new float[] {1f / 6f}));
      addOp(OP_ADD, new int[] {current, three}, shape, OPTIONS_ADD, fusedOptions(FUSED_RELU6),
          new Params(1, false, FUSED_RELU6));
      binary(OP_MUL, OPTIONS_MUL, current, sixth, shape);
    }

    private void squeezeExcite(SqueezeExcite se) {
      int x = current;
      int[] xShape = shape.clone();
      mean();
      int c = se.channels();
      int r = se.reducedChannels();
      conv(new Conv2d(c, r, 1, 1, false, se.reduceWeight(), se.reduceBias()), null, FUSED_RELU);
      conv(new Conv2d(r, c, 1, 1, false, se.expandWeight(), se.expandBias()), null, FUSED_NONE);
      hardSigmoid();
      binary(OP_MUL, OPTIONS_MUL, x, current, xShape);
    }

    private void mean() {
      int axes = addTensor("axes", new int[] {2}, ints(1, 2));
      addOp(OP_MEAN, new int[] {current, axes}, new int[] {1, 1, 1, shape[3]}, OPTIONS_REDUCER, b -> {
        b.startTable(1);
        b.addBoolean(0, true, false);
        return b.endTable();
      });
    }

    private void dense(Dense d) {
      int features = shape[1] * shape[2] * shape[3];
      if (features != d.inFeatures()) {
        throw new IllegalArgumentException(
            "dense expects " + d.inFeatures() + " inputs, the tensor has " + features);
      }
      if (shape[1] * shape[2] != 1) {
        throw new IllegalArgumentException("dense after a feature map larger than 1x1 is not supported");
      }
      int w = addTensor("dense_weight", new int[] {d.outFeatures(), d.inFeatures()}, floats(d.weight()));
      int bias = addTensor("dense_bias", new int[] {d.outFeatures()}, floats(d.bias()));
      addOp(OP_FULLY_CONNECTED, new int[] {current, w, bias}, new int[] {1, d.outFeatures()},
          OPTIONS_FULLY_CONNECTED, fusedOptions(FUSED_NONE));
    }

    private void binary(int opcode, byte optionsType, int a, int b, int[] outShape) {
      addOp(opcode, new int[] {a, b}, outShape, optionsType, fusedOptions(FUSED_NONE));
    }

    private static OptionsWriter fusedOptions(byte fused) {
      return b -> {
        b.startTable(1);
        b.addByte(0, fused, 0);
        return b.endTable();
      };
    }

    private void addOp(int opcode, int[] inputs, int[] outShape, byte optionsType, OptionsWriter options) {
      addOp(opcode, inputs, outShape, optionsType, options, Params.NONE);
    }

    private void addOp(int opcode, int[] inputs, int[] outShape, byte optionsType, OptionsWriter options,
        Params params) {
      int output = addTensor("t" + tensors.size(), outShape, null);
      opcodeIndex.putIfAbsent(opcode, opcodeIndex.size());
      ops.add(new OpSpec(opcode, inputs, new int[] {output}, optionsType, options, params));
      current = output;
      shape = outShape.clone();
    }

    private int addTensor(String name, int[] tensorShape, byte[] data) {
      boolean isInt = name.equals("paddings") || name.equals("axes");
      tensors.add(new TensorSpec(name, tensorShape.clone(), isInt ? TYPE_INT32 : TYPE_FLOAT32, data));
      return tensors.size() - 1;
    }

    private byte[] serialise(int input, int output) {
      FlatBufferBuilder b = new FlatBufferBuilder(1 << 16);
      // buffers[0] is the empty sentinel; constant tensor i gets its own buffer
      List<Integer> bufferOffsets = new ArrayList<>();
      bufferOffsets.add(table(b, 0));
      int[] bufferOf = new int[tensors.size()];
      for (int i = 0; i < tensors.size(); i++) {
        byte[] data = tensors.get(i).data();
        if (data != null) {
          bufferOffsets.add(buffer(b, data));
          bufferOf[i] = bufferOffsets.size() - 1;
        }
      }
      int metadataVector = 0;
      if (metadata != null) {
        bufferOffsets.add(buffer(b, metadata));
        int name = b.createString("TFLITE_METADATA");
        b.startTable(2);
        b.addOffset(0, name, 0);
        b.addInt(1, bufferOffsets.size() - 1, 0);
        metadataVector = offsetVector(b, new int[] {b.endTable()});
      }
      int[] tensorOffsets = new int[tensors.size()];
      for (int i = 0; i < tensors.size(); i++) {
        TensorSpec t = tensors.get(i);
        int name = b.createString(t.name() + "_" + i);
        int shapeVector = intVector(b, t.shape());
        int quantization = t.quantization() == null ? 0 : quantization(b, t.quantization());
        b.startTable(5);
        b.addOffset(0, shapeVector, 0);
        b.addByte(1, t.type(), -1);
        b.addInt(2, bufferOf[i], -1);
        b.addOffset(3, name, 0);
        if (quantization != 0) {
          b.addOffset(4, quantization, 0);
        }
        tensorOffsets[i] = b.endTable();
      }
      int[] opOffsets = new int[ops.size()];
      for (int i = 0; i < ops.size(); i++) {
        OpSpec op = ops.get(i);
        int options = op.options() == null ? 0 : op.options().write(b);
        int inputs = intVector(b, op.inputs());
        int outputs = intVector(b, op.outputs());
        b.startTable(5);
        b.addInt(0, opcodeIndex.get(op.opcode()), -1);
        b.addOffset(1, inputs, 0);
        b.addOffset(2, outputs, 0);
        if (op.options() != null) {
          b.addByte(3, op.optionsType(), -1);
          b.addOffset(4, options, 0);
        }
        opOffsets[i] = b.endTable();
      }
      int tensorsVector = offsetVector(b, tensorOffsets);
      int inputsVector = intVector(b, new int[] {input});
      int outputsVector = intVector(b, new int[] {output});
      int opsVector = offsetVector(b, opOffsets);
      int subgraphName = b.createString("main");
      b.startTable(5);
      b.addOffset(0, tensorsVector, 0);
      b.addOffset(1, inputsVector, 0);
      b.addOffset(2, outputsVector, 0);
      b.addOffset(3, opsVector, 0);
      b.addOffset(4, subgraphName, 0);
      int subgraph = b.endTable();

      int[] codeOffsets = new int[opcodeIndex.size()];
      int c = 0;
      for (int opcode : opcodeIndex.keySet()) {
        b.startTable(4);
        b.addByte(0, (byte) Math.min(opcode, 127), -1);
        b.addInt(2, calibration == null ? 1 : Int8Quantizer.INT8_VERSIONS.getOrDefault(opcode, 1), -1);
        b.addInt(3, opcode, -1);
        codeOffsets[c++] = b.endTable();
      }
      int codesVector = offsetVector(b, codeOffsets);
      int subgraphsVector = offsetVector(b, new int[] {subgraph});
      int description = b.createString("hilnat " + net.name());
      int buffersVector = offsetVector(b, bufferOffsets.stream().mapToInt(Integer::intValue).toArray());
      b.startTable(7);
      b.addInt(0, 3, -1);
      b.addOffset(1, codesVector, 0);
      b.addOffset(2, subgraphsVector, 0);
      b.addOffset(3, description, 0);
      b.addOffset(4, buffersVector, 0);
      if (metadataVector != 0) {
        b.addOffset(6, metadataVector, 0);
      }
      int model = b.endTable();
      b.finish(model, "TFL3");
      return b.sizedByteArray();
    }

    private static int buffer(FlatBufferBuilder b, byte[] data) {
      b.startVector(1, data.length, 16);
      for (int j = data.length - 1; j >= 0; j--) {
        b.addByte(data[j]);
      }
      int vector = b.endVector();
      b.startTable(1);
      b.addOffset(0, vector, 0);
      return b.endTable();
    }

    /** QuantizationParameters: scale (field 2), zero_point (3), quantized_dimension (6). */
    private static int quantization(FlatBufferBuilder b, Quantization q) {
      b.startVector(4, q.scale().length, 4);
      for (int i = q.scale().length - 1; i >= 0; i--) {
        b.addFloat(q.scale()[i]);
      }
      int scale = b.endVector();
      b.startVector(8, q.zeroPoint().length, 8);
      for (int i = q.zeroPoint().length - 1; i >= 0; i--) {
        b.addLong(q.zeroPoint()[i]);
      }
      int zeroPoint = b.endVector();
      b.startTable(7);
      b.addOffset(2, scale, 0);
      b.addOffset(3, zeroPoint, 0);
      b.addInt(6, q.axis(), 0);
      return b.endTable();
    }

    private static int table(FlatBufferBuilder b, int fields) {
      b.startTable(fields);
      return b.endTable();
    }

    private static int intVector(FlatBufferBuilder b, int[] values) {
      b.startVector(4, values.length, 4);
      for (int i = values.length - 1; i >= 0; i--) {
        b.addInt(values[i]);
      }
      return b.endVector();
    }

    private static int offsetVector(FlatBufferBuilder b, int[] offsets) {
      b.startVector(4, offsets.length, 4);
      for (int i = offsets.length - 1; i >= 0; i--) {
        b.addOffset(offsets[i]);
      }
      return b.endVector();
    }

    private static byte[] floats(float[] values) {
      ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        buffer.putFloat(v);
      }
      return buffer.array();
    }

    private static byte[] ints(int... values) {
      ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int v : values) {
        buffer.putInt(v);
      }
      return buffer.array();
    }
  }
}
