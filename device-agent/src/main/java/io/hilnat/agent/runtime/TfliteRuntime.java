package io.hilnat.agent.runtime;

import ai.djl.engine.Engine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.lite.DataType;
import org.tensorflow.lite.Interpreter;
import org.tensorflow.lite.Tensor;

/** TensorFlow Lite on Linux x86_64 through the native library that DJL's TFLite engine ships. */
public final class TfliteRuntime implements ModelRuntime {

  private final String version;

  public TfliteRuntime() {
    // The raw Interpreter works only after DJL's engine has loaded the native library.
    Engine.getEngine("TFLite");
    this.version = org.tensorflow.lite.TensorFlowLite.runtimeVersion();
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
    return List.of("cpu", "xnnpack");
  }

  @Override
  public LoadedModel load(Path modelFile, int threads) throws ModelLoadException {
    ByteBuffer model;
    try {
      byte[] bytes = Files.readAllBytes(modelFile);
      TfliteModelCheck.check(bytes);
      model = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
      model.put(bytes).rewind();
    } catch (java.io.IOException e) {
      throw new ModelLoadException("cannot read " + modelFile + ": " + e.getMessage());
    }
    Interpreter interpreter;
    try {
      interpreter = new Interpreter(model, new Interpreter.Options().setNumThreads(Math.max(1, threads)));
    } catch (RuntimeException e) {
      throw new ModelLoadException("TFLite rejected the model: " + firstLine(e.getMessage()));
    }
    try {
      return new TfliteModel(interpreter);
    } catch (RuntimeException e) {
      interpreter.close();
      throw new ModelLoadException("TFLite could not prepare the model: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    return message == null ? "unknown error" : message.strip().split("\n")[0];
  }

  private static final class TfliteModel implements LoadedModel {
    private final Interpreter interpreter;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final ByteBuffer input;
    private final Map<Integer, Object> outputBuffers = new HashMap<>();
    private final ByteBuffer output;

    TfliteModel(Interpreter interpreter) {
      this.interpreter = interpreter;
      interpreter.allocateTensors();
      inputs = specs(interpreter.getInputTensorCount(), interpreter::getInputTensor);
      outputs = specs(interpreter.getOutputTensorCount(), interpreter::getOutputTensor);
      if (inputs.size() != 1) {
        throw new IllegalArgumentException("models with " + inputs.size() + " inputs are not supported (need 1)");
      }
      for (TensorSpec spec : inputs) {
        requireFloat(spec);
      }
      for (TensorSpec spec : outputs) {
        requireFloat(spec);
      }
      input = ByteBuffer.allocateDirect(interpreter.getInputTensor(0).numBytes()).order(ByteOrder.nativeOrder());
      for (int i = 0; i < outputs.size(); i++) {
        outputBuffers.put(i, ByteBuffer.allocateDirect(interpreter.getOutputTensor(i).numBytes())
            .order(ByteOrder.nativeOrder()));
      }
      output = (ByteBuffer) outputBuffers.get(0);
    }

    private static void requireFloat(TensorSpec spec) {
      if (!spec.dtype().equals("float32")) {
        throw new IllegalArgumentException(
            "tensor " + spec.name() + " is " + spec.dtype() + "; the agent runs float32 models only");
      }
    }

    private static List<TensorSpec> specs(int count, java.util.function.IntFunction<Tensor> tensor) {
      List<TensorSpec> specs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Tensor t = tensor.apply(i);
        specs.add(new TensorSpec(t.name(), t.shape(), dtype(t.dataType())));
      }
      return List.copyOf(specs);
    }

    private static String dtype(DataType type) {
      return switch (type) {
        case FLOAT32 -> "float32";
        case INT32 -> "int32";
        case UINT8 -> "uint8";
        case INT64 -> "int64";
        default -> type.toString().toLowerCase();
      };
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
    public void setInput(float[] values) {
      int expected = inputs.get(0).elements();
      if (values.length != expected) {
        throw new IllegalArgumentException(
            "input has " + values.length + " values, the model's input " + java.util.Arrays.toString(
                inputs.get(0).shape()) + " takes " + expected);
      }
      input.rewind();
      input.asFloatBuffer().put(values);
    }

    @Override
    public void invoke() {
      input.rewind();
      for (Object o : outputBuffers.values()) {
        ((ByteBuffer) o).rewind();
      }
      interpreter.runForMultipleInputsOutputs(new Object[] {input}, outputBuffers);
    }

    @Override
    public float[] output() {
      output.rewind();
      FloatBuffer floats = output.asFloatBuffer();
      float[] values = new float[floats.remaining()];
      floats.get(values);
      return values;
    }

    @Override
    public void close() {
      interpreter.close();
    }
  }
}
