package io.hilnat.agent.runtime;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.MakeTfLiteTelemetryProfiler;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorCopyFromBuffer;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteVersion;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteFloat32;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt32;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt64;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt8;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteUInt8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.BuiltinOpResolverWithoutDefaultDelegates;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.OpResolver;
import org.bytedeco.tensorflowlite.RegistrationNodePair;
import org.bytedeco.tensorflowlite.TfLiteDelegateParams;
import org.bytedeco.tensorflowlite.TfLiteIntArray;
import org.bytedeco.tensorflowlite.TfLiteTensor;

/**
 * TensorFlow Lite 2.20 through its C++ API (bytedeco's build, with natives for linux-x86_64, linux-arm64 and
 * android-arm64). {@code cpu} is TFLite's builtin kernels alone; {@code xnnpack} is the resolver that applies
 * the XNNPACK delegate, as TFLite does by default on phones and boards.
 */
public final class TfliteRuntime implements ModelRuntime {

  public static final String CPU = "cpu";
  public static final String XNNPACK = "xnnpack";
  private static final List<String> INPUT_TYPES = List.of("float32", "uint8", "int8");

  private final String version;

  public TfliteRuntime() {
    this.version = TfLiteVersion().getString();
  }

  @Override
  public String name() {
    return "tflite";
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public List<String> delegates() {
    // bytedeco's builds carry no GPU or NNAPI delegate: asking for one is refused by name
    return List.of(CPU, XNNPACK);
  }

  @Override
  public LoadedModel load(Path modelFile, RunOptions options) throws ModelLoadException {
    if (!delegates().contains(options.delegate())) {
      throw new ModelLoadException("delegate '" + options.delegate() + "' is not in this build of TFLite "
          + version + "; available: " + delegates());
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(modelFile);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + modelFile + ": " + e.getMessage());
    }
    TfliteModelCheck.check(bytes);
    return new TfliteModel(bytes, options);
  }

  private static String dtype(int type) {
    if (type == kTfLiteFloat32) {
      return "float32";
    } else if (type == kTfLiteUInt8) {
      return "uint8";
    } else if (type == kTfLiteInt8) {
      return "int8";
    } else if (type == kTfLiteInt32) {
      return "int32";
    } else if (type == kTfLiteInt64) {
      return "int64";
    }
    return "tflite-type-" + type;
  }

  private static final class TfliteModel implements LoadedModel {
    private final BytePointer buffer;
    private final FlatBufferModel model;
    private final OpResolver resolver;
    private final OpTimer timer;
    private final Interpreter interpreter;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Delegation delegation;

    TfliteModel(byte[] bytes, RunOptions options) throws ModelLoadException {
      // the model keeps pointing into this buffer: it lives as long as the model
      buffer = new BytePointer(bytes.length);
      buffer.put(bytes);
      model = FlatBufferModel.VerifyAndBuildFromBuffer(buffer, bytes.length);
      if (model == null || model.isNull()) {
        buffer.close();
        throw new ModelLoadException("TFLite's flatbuffer verifier rejected the file: it is corrupt or not a "
            + "TFLite model");
      }
      resolver = options.delegate().equals(XNNPACK) ? new BuiltinOpResolver()
          : new BuiltinOpResolverWithoutDefaultDelegates();
      timer = options.profileOps() ? new OpTimer(options.delegate()) : null;
      interpreter = new Interpreter((org.bytedeco.javacpp.Pointer) null);
      try (InterpreterBuilder builder = new InterpreterBuilder(model, resolver)) {
        builder.SetNumThreads(Math.max(1, options.threads()));
        if (timer != null) {
          builder.SetTelemetryProfiler(MakeTfLiteTelemetryProfiler(timer.callbacks()));
        }
        if (builder.apply(interpreter) != kTfLiteOk || interpreter.isNull()) {
          close();
          throw new ModelLoadException("TFLite could not build an interpreter for the model (an operator this "
              + "runtime lacks, or inconsistent tensors)");
        }
      }
      int[][] declared = declaredShapes();
      if (interpreter.AllocateTensors() != kTfLiteOk) {
        close();
        throw new ModelLoadException("TFLite could not allocate the model's tensors");
      }
      String reshaped = firstShapeNotAsDeclared(declared);
      if (reshaped != null) {
        close();
        throw new ModelLoadException("corrupt TFLite model: " + reshaped + "; a constant that sets shapes (a "
            + "padding, a reshape's target) disagrees with the tensors it feeds");
      }
      inputs = specs(interpreter.inputs(), (int) interpreter.inputs().limit());
      outputs = specs(interpreter.outputs(), (int) interpreter.outputs().limit());
      String problem = inputs.size() != 1 ? "models with " + inputs.size() + " inputs are not supported (need 1)"
          : outputs.isEmpty() ? "the model has no outputs" : null;
      if (problem == null && !INPUT_TYPES.contains(inputs.get(0).dtype())) {
        problem = "its input " + inputs.get(0).name() + " is " + inputs.get(0).dtype() + "; the agent feeds "
            + INPUT_TYPES + " inputs";
      }
      for (TensorSpec spec : problem == null ? outputs : List.<TensorSpec>of()) {
        if (!spec.dtype().equals("float32")) {
          problem = "output " + spec.name() + " is " + spec.dtype() + "; the agent reads float32 outputs (an int8 "
              + "model ends in DEQUANTIZE)";
        }
      }
      if (problem != null) {
        close();
        throw new ModelLoadException(problem);
      }
      delegation = countDelegated();
    }

    private List<TensorSpec> specs(org.bytedeco.javacpp.IntPointer indices, int count) {
      List<TensorSpec> specs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        TfLiteTensor t = interpreter.tensor(indices.get(i));
        BytePointer name = t.name();
        specs.add(new TensorSpec(name == null || name.isNull() ? "tensor-" + indices.get(i) : name.getString(),
            shape(t.dims()), dtype(t.type())));
      }
      return List.copyOf(specs);
    }

    /** Every tensor's shape as the file declares it: TFLite applies the file's shapes until tensors are allocated. */
    private int[][] declaredShapes() {
      int[][] shapes = new int[(int) interpreter.tensors_size()][];
      for (int i = 0; i < shapes.length; i++) {
        shapes[i] = shape(interpreter.tensor(i).dims());
      }
      return shapes;
    }

    /**
     * Shapes follow from the input and the constants, so a changed constant can turn a 1-image graph into one of
     * thousands that takes minutes to run once: once prepared, every tensor must have the shape its file declares
     * (a tensor declared without one may take any).
     */
    private String firstShapeNotAsDeclared(int[][] declared) {
      for (int i = 0; i < declared.length; i++) {
        TfLiteTensor t = interpreter.tensor(i);
        int[] prepared = shape(t.dims());
        if (declared[i].length > 0 && !java.util.Arrays.equals(declared[i], prepared)) {
          BytePointer name = t.name();
          return "tensor " + (name == null || name.isNull() ? String.valueOf(i) : "'" + name.getString() + "'")
              + " has shape " + java.util.Arrays.toString(prepared) + " once prepared, but the file declares "
              + java.util.Arrays.toString(declared[i]);
        }
      }
      return null;
    }

    private static int[] shape(TfLiteIntArray dims) {
      int[] values = new int[dims == null || dims.isNull() ? 0 : dims.size()];
      for (int d = 0; d < values.length; d++) {
        values[d] = dims.data(d);
      }
      return values;
    }

    /** A delegate's kernel node carries the list of nodes it replaced; the others run as builtin kernels. */
    private Delegation countDelegated() {
      int kernels = 0;
      int replaced = 0;
      long nodes = interpreter.nodes_size();
      for (int i = 0; i < nodes; i++) {
        RegistrationNodePair pair = interpreter.node_and_registration(i);
        if (pair != null && pair.first().delegate() != null && !pair.first().delegate().isNull()) {
          kernels++;
          replaced += new TfLiteDelegateParams(pair.first().builtin_data()).nodes_to_replace().size();
        }
      }
      return new Delegation((int) nodes - kernels, replaced);
    }

    @Override
    public List<TensorSpec> inputs() {
      return inputs;
    }

    @Override
    public List<TensorSpec> outputs() {
      return outputs;
    }

    @Override
    public Delegation delegation() {
      return delegation;
    }

    @Override
    public void setInput(float[] values) {
      TensorSpec spec = inputs.get(0);
      if (values.length != spec.elements()) {
        throw new IllegalArgumentException("input has " + values.length + " values, the model's input "
            + java.util.Arrays.toString(spec.shape()) + " takes " + spec.elements());
      }
      if (spec.dtype().equals("float32")) {
        interpreter.typed_input_tensor_float(0).put(values, 0, values.length);
        return;
      }
      // an integer input takes the values as they are: pixels 0-255 for uint8, which must be whole numbers
      int low = spec.dtype().equals("uint8") ? 0 : -128;
      byte[] bytes = new byte[values.length];
      for (int i = 0; i < values.length; i++) {
        float v = values[i];
        if (v != Math.rint(v) || v < low || v > low + 255) {
          throw new IllegalArgumentException("input value " + v + " at " + i + " does not fit the model's "
              + spec.dtype() + " input (whole numbers " + low + ".." + (low + 255) + "; an image goes in as its "
              + "pixel values, not scaled to [0, 1])");
        }
        bytes[i] = (byte) (int) v;
      }
      // typed_input_tensor_byte() is for int8 only: the C API's copy takes uint8 and int8 alike
      try (BytePointer raw = new BytePointer(bytes)) {
        if (TfLiteTensorCopyFromBuffer(interpreter.input_tensor(0), raw, bytes.length) != kTfLiteOk) {
          throw new IllegalStateException("TFLite refused the input's " + bytes.length + " bytes");
        }
      }
    }

    @Override
    public void invoke() {
      if (interpreter.Invoke() != kTfLiteOk) {
        throw new IllegalStateException("TFLite's Invoke failed (see the agent's log for TFLite's message)");
      }
    }

    @Override
    public float[] output() {
      float[] values = new float[outputs.get(0).elements()];
      interpreter.typed_output_tensor_float(0).get(values, 0, values.length);
      return values;
    }

    @Override
    public List<OpTime> takeOpTimes() {
      return timer == null ? List.of() : timer.take();
    }

    @Override
    public void close() {
      // the interpreter refers to the model, the resolver and the buffer: it goes first
      if (interpreter != null) {
        interpreter.close();
      }
      if (resolver != null) {
        resolver.close();
      }
      model.close();
      buffer.close();
    }
  }
}
