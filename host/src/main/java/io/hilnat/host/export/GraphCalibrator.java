package io.hilnat.host.export;

import static io.hilnat.host.export.TfliteExporter.FUSED_RELU;
import static io.hilnat.host.export.TfliteExporter.FUSED_RELU6;
import static io.hilnat.host.export.TfliteExporter.OP_ADD;
import static io.hilnat.host.export.TfliteExporter.OP_CONV_2D;
import static io.hilnat.host.export.TfliteExporter.OP_DEPTHWISE_CONV_2D;
import static io.hilnat.host.export.TfliteExporter.OP_FULLY_CONNECTED;
import static io.hilnat.host.export.TfliteExporter.OP_HARD_SWISH;
import static io.hilnat.host.export.TfliteExporter.OP_MEAN;
import static io.hilnat.host.export.TfliteExporter.OP_MUL;
import static io.hilnat.host.export.TfliteExporter.OP_PAD;
import static io.hilnat.host.export.TfliteExporter.OP_RELU;
import static io.hilnat.host.export.TfliteExporter.OP_RELU6;

import io.hilnat.host.export.TfliteExporter.OpSpec;
import io.hilnat.host.export.TfliteExporter.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the float graph the exporter built, operator by operator in plain Java, to learn the range of every
 * activation tensor over calibration images: what TFLite's converter does with its representative dataset. The
 * ranges are taken per tensor as the {@code lowPercentile}..{@code highPercentile} of all values seen (0 and 100
 * give min/max), and always include 0 so that zero is exact.
 */
final class GraphCalibrator {

  private static final int RESERVOIR = 1 << 16;

  private final List<TensorSpec> tensors;
  private final List<OpSpec> ops;
  private final float[][] constants;

  GraphCalibrator(List<TensorSpec> tensors, List<OpSpec> ops) {
    this.tensors = tensors;
    this.ops = ops;
    constants = new float[tensors.size()][];
    for (int i = 0; i < tensors.size(); i++) {
      TensorSpec t = tensors.get(i);
      if (t.data() != null) {
        ByteBuffer b = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[t.data().length / 4];
        for (int k = 0; k < v.length; k++) {
          v[k] = t.type() == TfliteExporter.TYPE_INT32 ? b.getInt(4 * k) : b.getFloat(4 * k);
        }
        constants[i] = v;
      }
    }
  }

  /** {min, max} per tensor (null for constants) over the images, each NHWC for tensor {@code input}. */
  float[][] ranges(int input, List<float[]> images, double lowPercentile, double highPercentile) {
    boolean exact = lowPercentile <= 0 && highPercentile >= 100;
    float[][] extremes = new float[tensors.size()][];
    float[][] reservoir = new float[tensors.size()][];
    long[] seen = new long[tensors.size()];
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    for (float[] image : images) {
      float[][] values = run(input, image);
      for (int t = 0; t < values.length; t++) {
        if (values[t] == null || constants[t] != null) {
          continue;
        }
        if (extremes[t] == null) {
          extremes[t] = new float[] {Float.MAX_VALUE, -Float.MAX_VALUE};
          reservoir[t] = new float[exact ? 0 : RESERVOIR];
        }
        for (float x : values[t]) {
          extremes[t][0] = Math.min(extremes[t][0], x);
          extremes[t][1] = Math.max(extremes[t][1], x);
          if (!exact) {
            // a uniform sample of every value seen, so percentiles need bounded memory
            long k = seen[t]++;
            if (k < RESERVOIR) {
              reservoir[t][(int) k] = x;
            } else {
              long j = random.nextLong(k + 1);
              if (j < RESERVOIR) {
                reservoir[t][(int) j] = x;
              }
            }
          }
        }
      }
    }
    float[][] ranges = new float[tensors.size()][];
    for (int t = 0; t < extremes.length; t++) {
      if (extremes[t] == null) {
        continue;
      }
      float lo = extremes[t][0];
      float hi = extremes[t][1];
      if (!exact) {
        float[] s = Arrays.copyOf(reservoir[t], (int) Math.min(seen[t], RESERVOIR));
        Arrays.sort(s);
        lo = Math.max(lo, s[(int) Math.floor(lowPercentile / 100 * (s.length - 1))]);
        hi = Math.min(hi, s[(int) Math.ceil(highPercentile / 100 * (s.length - 1))]);
      }
      ranges[t] = new float[] {Math.min(0, lo), Math.max(0, hi)};
    }
    return ranges;
  }

  /** Every tensor's values for one input (constants as they are). */
  float[][] run(int input, float[] image) {
    float[][] v = constants.clone();
    v[input] = image;
    for (OpSpec op : ops) {
      int[] in = op.inputs();
      TensorSpec out = tensors.get(op.outputs()[0]);
      float[] result = switch (op.opcode()) {
        case OP_PAD -> pad(v[in[0]], tensors.get(in[0]).shape(), constants[in[1]], out.shape());
        case OP_CONV_2D -> conv(v[in[0]], tensors.get(in[0]).shape(), v[in[1]], tensors.get(in[1]).shape(),
            v[in[2]], out.shape(), op, false);
        case OP_DEPTHWISE_CONV_2D -> conv(v[in[0]], tensors.get(in[0]).shape(), v[in[1]],
            tensors.get(in[1]).shape(), v[in[2]], out.shape(), op, true);
        case OP_ADD, OP_MUL -> binary(op.opcode(), v[in[0]], tensors.get(in[0]).shape(), v[in[1]],
            tensors.get(in[1]).shape(), out.shape());
        case OP_RELU, OP_RELU6, OP_HARD_SWISH -> unary(op.opcode(), v[in[0]]);
        case OP_MEAN -> mean(v[in[0]], tensors.get(in[0]).shape());
        case OP_FULLY_CONNECTED -> dense(v[in[0]], v[in[1]], v[in[2]], out.shape()[1]);
        default -> throw new IllegalArgumentException("cannot calibrate operator " + op.opcode());
      };
      v[op.outputs()[0]] = activate(result, op.params().fused());
    }
    return v;
  }

  private static float[] activate(float[] x, byte fused) {
    if (fused == FUSED_RELU || fused == FUSED_RELU6) {
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.max(0, fused == FUSED_RELU6 ? Math.min(6, x[i]) : x[i]);
      }
    }
    return x;
  }

  private static float[] pad(float[] x, int[] s, float[] paddings, int[] o) {
    int top = (int) paddings[2];
    int left = (int) paddings[4];
    float[] y = new float[o[1] * o[2] * o[3]];
    for (int h = 0; h < s[1]; h++) {
      for (int w = 0; w < s[2]; w++) {
        System.arraycopy(x, (h * s[2] + w) * s[3], y, ((h + top) * o[2] + w + left) * o[3], s[3]);
      }
    }
    return y;
  }

  private static float[] conv(float[] x, int[] s, float[] filter, int[] f, float[] bias, int[] o, OpSpec op,
      boolean depthwise) {
    int k = f[1];
    int stride = op.params().stride();
    int before = op.params().valid() ? 0 : (k - 1) / 2;
    int in = s[3];
    float[] y = new float[o[1] * o[2] * o[3]];
    for (int oh = 0; oh < o[1]; oh++) {
      for (int ow = 0; ow < o[2]; ow++) {
        for (int oc = 0; oc < o[3]; oc++) {
          double sum = bias[oc];
          for (int ky = 0; ky < k; ky++) {
            int ih = oh * stride + ky - before;
            if (ih < 0 || ih >= s[1]) {
              continue;
            }
            for (int kx = 0; kx < k; kx++) {
              int iw = ow * stride + kx - before;
              if (iw < 0 || iw >= s[2]) {
                continue;
              }
              int pixel = (ih * s[2] + iw) * in;
              if (depthwise) {
                sum += x[pixel + oc] * filter[(ky * k + kx) * o[3] + oc];
              } else {
                int w = ((oc * k + ky) * k + kx) * in;
                for (int ic = 0; ic < in; ic++) {
                  sum += x[pixel + ic] * filter[w + ic];
                }
              }
            }
          }
          y[(oh * o[2] + ow) * o[3] + oc] = (float) sum;
        }
      }
    }
    return y;
  }

  /** NHWC broadcasting of a [1,1,1,C] or [1] operand, on either side. */
  private static float[] binary(int opcode, float[] a, int[] as, float[] b, int[] bs, int[] o) {
    int n = 1;
    for (int d : o) {
      n *= d;
    }
    float[] y = new float[n];
    int c = o[o.length - 1];
    for (int i = 0; i < n; i++) {
      float x1 = a.length == n ? a[i] : a.length == 1 ? a[0] : a[i % c];
      float x2 = b.length == n ? b[i] : b.length == 1 ? b[0] : b[i % c];
      y[i] = opcode == OP_ADD ? x1 + x2 : x1 * x2;
    }
    return y;
  }

  private static float[] unary(int opcode, float[] x) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      float v = x[i];
      y[i] = switch (opcode) {
        case OP_RELU -> Math.max(0, v);
        case OP_RELU6 -> Math.max(0, Math.min(6, v));
        default -> v * Math.max(0, Math.min(6, v + 3)) / 6;
      };
    }
    return y;
  }

  private static float[] mean(float[] x, int[] s) {
    int c = s[3];
    double[] sum = new double[c];
    for (int i = 0; i < x.length; i++) {
      sum[i % c] += x[i];
    }
    float[] y = new float[c];
    for (int i = 0; i < c; i++) {
      y[i] = (float) (sum[i] / (s[1] * s[2]));
    }
    return y;
  }

  private static float[] dense(float[] x, float[] w, float[] bias, int out) {
    float[] y = new float[out];
    for (int o = 0; o < out; o++) {
      double sum = bias[o];
      for (int i = 0; i < x.length; i++) {
        sum += x[i] * w[o * x.length + i];
      }
      y[o] = (float) sum;
    }
    return y;
  }
}
