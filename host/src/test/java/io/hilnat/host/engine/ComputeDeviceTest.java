package io.hilnat.host.engine;

import static io.hilnat.host.cli.HostCli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import io.hilnat.host.cli.HostCli.Run;

/** {@code --device} and {@code doctor} as a user meets them on a host without a GPU (CI's). */
class ComputeDeviceTest {


  @AfterEach
  void backToAuto() {
    ComputeDevice.use("auto");
  }

  @Test
  void doctorSaysWhatTheEngineIsAndWhyNoGpuIsUsed() throws Exception {
    Run doctor = run("doctor", "--json");
    assertEquals(0, doctor.code(), doctor.err());
    JsonNode report = new ObjectMapper().readTree(doctor.out());
    assertEquals("PyTorch 2.7.1", report.get("engine").asText());
    assertEquals("0.35.1", report.get("djl").asText());
    assertTrue(report.get("devices").toString().contains("cpu()"));
    assumeNoGpu(report);
    assertEquals("cpu()", report.get("device").asText());
    assertTrue(report.get("why_not_gpu").asText().contains("PYTORCH_LIBRARY_PATH"), report.toString());
  }

  @Test
  void askingForAGpuThatIsNotThereFailsWithTheReason() {
    if (ComputeDevice.gpuCount() > 0) {
      return; // a GPU host: nothing to refuse
    }
    for (String device : new String[] {"gpu", "gpu:1"}) {
      Run run = run("doctor", "--device", device);
      assertEquals(2, run.code());
      assertTrue(run.err().contains("--device " + device + ": this libtorch 2.7.1 is a CPU build"), run.err());
    }
    Run wrong = run("export", "--device", "tpu", "--arch", "smallest", "-o", "unused.tflite");
    assertEquals(2, wrong.code());
    assertTrue(wrong.err().contains("--device 'tpu' is not one of cpu, gpu, gpu:N, gpus"), wrong.err());
    for (String device : new String[] {"gpus", "gpu:0,gpu:1"}) {
      Run run = run("doctor", "--device", device);
      assertEquals(2, run.code());
      assertTrue(run.err().contains("this libtorch 2.7.1 is a CPU build"), run.err());
    }
  }

  @Test
  void aListOfGpusIsReadAsTheDevicesOfOneDataParallelTraining() {
    assertEquals(List.of(Device.gpu(0), Device.gpu(1), Device.gpu(2), Device.gpu(3)), ComputeDevice.parse("gpus", 4));
    assertEquals(List.of(Device.gpu(2), Device.gpu(0)), ComputeDevice.parse("gpu:2, gpu:0", 4));
    assertEquals(List.of(Device.gpu(1)), ComputeDevice.parse("GPU:1", 4));
    assertEquals(List.of(Device.cpu()), ComputeDevice.parse("cpu", 4));
    String twice = assertThrows(IllegalArgumentException.class, () -> ComputeDevice.parse("gpu:1,gpu:1", 4))
        .getMessage();
    assertTrue(twice.contains("names gpu:1 twice"), twice);
    String mixed = assertThrows(IllegalArgumentException.class, () -> ComputeDevice.parse("cpu,gpu:0", 4))
        .getMessage();
    assertTrue(mixed.contains("a list names GPUs only"), mixed);
    String beyond = assertThrows(IllegalArgumentException.class, () -> ComputeDevice.parse("gpu:0,gpu:4", 4))
        .getMessage();
    assertTrue(beyond.contains("the engine sees 4 GPU(s), gpu:0 to gpu:3"), beyond);
  }

  @Test
  void theChosenDeviceIsWhereManagersPutTheirArrays() {
    ComputeDevice.use("cpu");
    try (NDManager manager = ComputeDevice.newManager()) {
      assertEquals(Device.cpu(), manager.getDevice());
      assertEquals(Device.cpu(), manager.zeros(new ai.djl.ndarray.types.Shape(2)).getDevice());
    }
    ComputeDevice.use("auto");
    assertFalse(ComputeDevice.current() == null);
  }

  private static void assumeNoGpu(JsonNode report) {
    org.junit.jupiter.api.Assumptions.assumeTrue(report.get("devices").size() == 1, "a GPU host");
  }
}
