package io.hilnat.host.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.host.engine.ChannelsLast;
import io.hilnat.host.engine.ComputeDevice;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hilnat doctor}: what the host runs on, and why a GPU is or is not used. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Print the host's engine (DJL, PyTorch and its build), the devices it sees, the device a "
        + "training would use and, when that is not a GPU, why.")
final class DoctorCommand implements Callable<Integer> {

  @Mixin ComputeDeviceOption computeDevice;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Engine engine = Engine.getInstance();
    ObjectNode report = new ObjectMapper().createObjectNode();
    report.put("hilnat", spec.root().version()[0]);
    report.put("java", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.version"));
    report.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    report.put("cpu_cores", Runtime.getRuntime().availableProcessors());
    report.put("engine", engine.getEngineName() + " " + engine.getVersion());
    report.put("djl", Engine.getDjlVersion());
    report.put("libtorch", ai.djl.pytorch.jni.LibUtils.getLibtorchPath()
        + (System.getenv("PYTORCH_LIBRARY_PATH") != null ? " (PYTORCH_LIBRARY_PATH)" : ""));
    report.put("build", engine.hasCapability(StandardCapabilities.CUDA)
        ? "CUDA " + CudaUtils.getCudaVersionString() : "CPU only");
    report.put("offline", Boolean.getBoolean("ai.djl.offline"));
    ArrayNode devices = report.putArray("devices");
    devices.add(Device.cpu().toString());
    for (int i = 0; i < ComputeDevice.gpuCount(); i++) {
      var memory = CudaUtils.getGpuMemory(Device.gpu(i));
      devices.add(String.format(Locale.ROOT, "%s (compute %s, %.1f GiB)", Device.gpu(i), CudaUtils
          .getComputeCapability(i),
          memory.getMax() / (double) (1L << 30)));
    }
    Device used = ComputeDevice.current();
    report.put("device", used.toString());
    if (ComputeDevice.all().size() > 1) {
      ArrayNode shared = report.putArray("data_parallel");
      ComputeDevice.all().forEach(d -> shared.add(d.toString()));
    }
    report.put("channels_last", ChannelsLast.decision(used));
    String why = ComputeDevice.whyNoGpu();
    if (!used.isGpu()) {
      report.put("why_not_gpu", why.isEmpty() ? "--device cpu was asked for" : why);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
    } else {
      report.fields().forEachRemaining(e -> out.printf("%-12s %s%n", e.getKey().replace('_', ' ') + ":",
          e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
    }
    return 0;
  }
}
