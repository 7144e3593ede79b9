package io.hilnat.host.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import ai.djl.util.cuda.CudaUtils;

/**
 * Where the host's tensors live: the CPU, or one of the engine's GPUs. One choice per process, as DJL's own
 * default device is; every long-lived manager of the host's work comes from {@link #newManager()}, so a supernet,
 * its optimiser and each batch sit on the same device (batches are decoded on the CPU and moved once).
 */
public final class ComputeDevice {

  public static final String FORMS = "cpu, gpu, gpu:N or auto (a GPU when the engine has one)";

  private static volatile Device chosen;

  private ComputeDevice() {}

  /** Chooses the device for the rest of the process: {@link #FORMS}; auto leaves it to the engine. */
  public static void use(String text) {
    String t = text == null ? "" : text.strip();
    // auto loads no engine here: a --help should not wait for PyTorch
    chosen = t.isEmpty() || t.equalsIgnoreCase("auto") ? null : parse(t);
  }

  /** The chosen device, else the engine's default (its first GPU when it has one). */
  public static Device current() {
    Device device = chosen;
    return device != null ? device : Engine.getInstance().defaultDevice();
  }

  /** A base manager on {@link #current()}. */
  public static NDManager newManager() {
    return NDManager.newBaseManager(current());
  }

  static Device parse(String text) {
    String t = text == null ? "auto" : text.strip().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("auto") || t.isEmpty()) {
      return Engine.getInstance().defaultDevice();
    }
    if (t.equals("cpu")) {
      return Device.cpu();
    }
    if (t.equals("gpu") || t.matches("gpu:\\d+")) {
      int index = t.equals("gpu") ? 0 : Integer.parseInt(t.substring(4));
      int gpus = gpuCount();
      if (index >= gpus) {
        throw new IllegalArgumentException("--device " + text + ": " + (gpus == 0 ? whyNoGpu()
            : "the engine sees " + gpus + " GPU(s), gpu:0 to gpu:" + (gpus - 1)));
      }
      return Device.gpu(index);
    }
    throw new IllegalArgumentException("--device '" + text + "' is not one of " + FORMS);
  }

  /** GPUs the engine can use: none unless its libtorch is a CUDA build. */
  public static int gpuCount() {
    return Engine.getInstance().hasCapability(StandardCapabilities.CUDA) ? CudaUtils.getGpuCount() : 0;
  }

  /** Why the engine has no GPU, and what to do about it; empty when it has one. */
  public static String whyNoGpu() {
    if (gpuCount() > 0) {
      return "";
    }
    if (!Engine.getInstance().hasCapability(StandardCapabilities.CUDA)) {
      String version = Engine.getInstance().getVersion();
      return "this libtorch " + version + " is a CPU build (" + (System.getenv("PYTORCH_LIBRARY_PATH") != null
          ? "PYTORCH_LIBRARY_PATH" : "DJL's pytorch-native-cpu") + "); for a GPU point PYTORCH_LIBRARY_PATH at the "
          + "lib folder of a CUDA 12.8 libtorch " + version + ", or run with HILNAT_TORCH=download to let DJL fetch "
          + "the CUDA build (online only); see docs/supernet.md";
    }
    return "the engine is a CUDA build but sees no GPU (CUDA " + CudaUtils.getCudaVersionString()
        + "; check nvidia-smi and CUDA_VISIBLE_DEVICES)";
  }
}
