package io.hilnat.host.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import ai.djl.util.cuda.CudaUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the host's tensors live: the CPU, or the engine's GPUs. One choice per process, as DJL's own default device
 * is; every long-lived manager of the host's work comes from {@link #newManager()}, so a supernet, its optimiser and
 * each batch sit on the same device (batches are decoded on the CPU and moved once). With several GPUs, supernet
 * training is data-parallel over them (see SupernetTrainer); the rest runs on the first.
 */
public final class ComputeDevice {

  public static final String FORMS = "cpu, gpu, gpu:N, gpus (every GPU, data-parallel), a list such as gpu:0,gpu:1, "
      + "or auto (a GPU when the engine has one)";

  /** Null: auto. */
  private static volatile List<Device> chosen;

  private ComputeDevice() {}

  /** Chooses the devices for the rest of the process: {@link #FORMS}; auto leaves it to the engine. */
  public static void use(String text) {
    String t = text == null ? "" : text.strip();
    // auto loads no engine here: a --help should not wait for PyTorch
    chosen = t.isEmpty() || t.equalsIgnoreCase("auto") ? null : parse(t, -1);
  }

  /** The chosen device (the first, when several share the training), else the engine's default. */
  public static Device current() {
    return all().get(0);
  }

  /**
   * Every device chosen: one, or several GPUs among which supernet training shares each batch (data-parallel). The
   * first holds the supernet; evaluation and everything else run there.
   */
  public static List<Device> all() {
    List<Device> devices = chosen;
    return devices != null ? devices : List.of(Engine.getInstance().defaultDevice());
  }

  /** A base manager on {@link #current()}. */
  public static NDManager newManager() {
    return NDManager.newBaseManager(current());
  }

  /** The devices {@code text} names ({@link #FORMS}), given {@code gpus} GPUs (negative: ask the engine). */
  static List<Device> parse(String text, int gpus) {
    String t = text == null ? "auto" : text.strip().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("auto") || t.isEmpty()) {
      return List.of(Engine.getInstance().defaultDevice());
    }
    if (t.equals("cpu")) {
      return List.of(Device.cpu());
    }
    int available = gpus >= 0 ? gpus : gpuCount();
    if (t.equals("gpus")) {
      if (available == 0) {
        throw new IllegalArgumentException("--device gpus: " + whyNoGpu());
      }
      List<Device> all = new ArrayList<>();
      for (int i = 0; i < available; i++) {
        all.add(Device.gpu(i));
      }
      return List.copyOf(all);
    }
    List<Device> devices = new ArrayList<>();
    for (String item : t.split(",", -1)) {
      String name = item.strip();
      if (!name.equals("gpu") && !name.matches("gpu:\\d+")) {
        throw new IllegalArgumentException("--device '" + text + "' is not one of " + FORMS
            + (t.contains(",") ? " (a list names GPUs only: data-parallel training shares a batch among GPUs)" : ""));
      }
      int index = name.equals("gpu") ? 0 : Integer.parseInt(name.substring(4));
      if (index >= available) {
        throw new IllegalArgumentException("--device " + text + ": " + (available == 0 ? whyNoGpu()
            : "the engine sees " + available + " GPU(s), gpu:0 to gpu:" + (available - 1)));
      }
      if (devices.contains(Device.gpu(index))) {
        throw new IllegalArgumentException("--device " + text + " names gpu:" + index + " twice");
      }
      devices.add(Device.gpu(index));
    }
    return List.copyOf(devices);
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
