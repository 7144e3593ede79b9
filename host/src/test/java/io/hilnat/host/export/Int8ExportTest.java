package io.hilnat.host.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.net.DjlForward;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.net.RandomNetworks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full-integer exports run in the real TFLite runtime with both delegates: uint8 pixels in, float logits out, and
 * logits close to the float network's on the same images.
 */
class Int8ExportTest {

  private static final float MEAN = 0.3f;
  private static final float STD = 0.35f;

  @TempDir Path dir;

  /** Pixels 0-255 of a smooth random image, and the same image normalised as the float network sees it. */
  private static float[][] image(Random random, int channels, int size) {
    float[] pixels = new float[channels * size * size];
    float[] normalised = new float[pixels.length];
    double fx = 0.2 + random.nextDouble();
    double fy = 0.2 + random.nextDouble();
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          int i = (c * size + y) * size + x;
          pixels[i] = (float) Math.round(127.5 + 127.5 * Math.sin(fx * x + fy * y + c + random.nextGaussian() * 0.3));
          normalised[i] = (pixels[i] / 255f - MEAN) / STD;
        }
      }
    }
    return new float[][] {pixels, normalised};
  }

  @Test
  void int8ExportsTakePixelsAndFollowTheFloatNetwork() throws Exception {
    RandomNetworks networks = new RandomNetworks(21);
    Random random = new Random(4);
    try (LocalAgent agent = LocalAgent.start(dir.resolve("cache"));
        AgentClient client = new AgentClient(agent.target());
        NDManager manager = NDManager.newBaseManager()) {
      for (int n = 0; n < 6; n++) {
        int channels = n % 2 == 0 ? 1 : 3;
        int size = 16 + 2 * (n % 3);
        NetworkDescription net = networks.mbconvNet("int8-" + n, channels, size, 2 + n % 3, 10);
        List<float[]> calibration = new ArrayList<>();
        for (int i = 0; i < Int8Calibration.MIN_IMAGES; i++) {
          calibration.add(image(random, channels, size)[1]);
        }
        byte[] model = new TfliteExporter().exportInt8(net, new Int8Calibration(calibration, MEAN, STD, 0, 100), null);
        String sha = AgentClient.sha256(model);
        var uploaded = client.upload(model, sha, net.name());
        assertEquals("uint8", uploaded.getInputs(0).getDtype());
        assertEquals("float32", uploaded.getOutputs(0).getDtype());
        if (n == 0) { // an fp32 model's input (pixel / 255) given to an int8 model is refused, not truncated to 0
          float[] scaled = RandomNetworks.toNhwc(image(random, channels, size)[0], channels, size);
          for (int i = 0; i < scaled.length; i++) {
            scaled[i] /= 255f;
          }
          String refused = assertThrows(RuntimeException.class,
              () -> client.infer(sha, List.of(scaled), 1, "xnnpack")).getMessage();
          assertTrue(refused.contains("whole numbers 0..255"), refused);
        }
        double errorSum = 0;
        double normSum = 0;
        for (int t = 0; t < 10; t++) {
          float[][] im = image(random, channels, size);
          float[] reference = DjlForward.forward(net, im[1], manager);
          for (String delegate : List.of("cpu", "xnnpack")) {
            float[] got = client.infer(sha, List.of(RandomNetworks.toNhwc(im[0], channels, size)), 1, delegate).get(0);
            for (int k = 0; k < reference.length; k++) {
              errorSum += (got[k] - reference[k]) * (got[k] - reference[k]);
              normSum += reference[k] * reference[k];
            }
          }
        }
        double relative = Math.sqrt(errorSum / normSum);
        System.out.printf("int8 export %s (%d ch, %d px): relative L2 error of the logits %.4f%n", net.name(), channels,
            size, relative);
        assertTrue(relative < 0.1, net.name() + ": int8 logits are off by " + relative + " of the float ones");
        var r = client.benchmark(BenchmarkRequest.newBuilder().setSha256(sha).setRuns(3).setDelegate("xnnpack")
            .build());
        assertEquals(3, r.getStats().getCount());
        System.out.printf("  xnnpack ran %d of its %d nodes%n", r.getNodesDelegated(), r.getNodes());
        // XNNPACK (2.20) leaves the uint8-to-int8 QUANTIZE to TFLite's own kernel
        assertEquals(r.getNodes() - 1, r.getNodesDelegated(), "XNNPACK takes all of the int8 graph but that node");
      }
    }
  }

  @Test
  void tooFewCalibrationImagesAreRefused() {
    List<float[]> few = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      few.add(new float[16 * 16]);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Int8Calibration(few, MEAN, STD, 0, 100));
    assertTrue(e.getMessage().contains("at least 200 images, got 20"), e.getMessage());
  }
}
