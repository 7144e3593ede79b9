package io.hilnat.host.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.net.Activation;
import io.hilnat.host.net.Conv2d;
import io.hilnat.host.net.DjlForward;
import io.hilnat.host.net.GlobalAvgPool;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.net.Node;
import io.hilnat.host.net.RandomNetworks;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exported models run in the real TFLite runtime (a real agent), with its builtin kernels and with XNNPACK, agree
 * with the host's DJL forward pass.
 */
class ExportEquivalenceTest {

  @TempDir static Path cache;
  static LocalAgent agent;
  static AgentClient client;
  static NDManager manager;

  @BeforeAll
  static void start() throws Exception {
    agent = LocalAgent.start(cache);
    client = new AgentClient(agent.target());
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void stop() {
    client.close();
    agent.close();
    manager.close();
  }

  /** The worst difference from DJL over both of TFLite's CPU paths: builtin kernels and XNNPACK. */
  private static double maxAbsDiff(NetworkDescription net, float[] chw) {
    byte[] model = new TfliteExporter().export(net);
    String sha = client.ensureUploaded(model, net.name());
    float[] djl = DjlForward.forward(net, chw, manager);
    double max = 0;
    for (String delegate : List.of("cpu", "xnnpack")) {
      float[] tflite = client.infer(sha, List.of(RandomNetworks.toNhwc(chw, net.inputChannels(), net.inputSize())), 1,
          delegate).get(0);
      assertEquals(djl.length, tflite.length, "output sizes differ");
      for (int i = 0; i < djl.length; i++) {
        max = Math.max(max, Math.abs(djl[i] - tflite[i]));
      }
    }
    return max;
  }

  @Test
  void twentyFourRandomMbconvNetworksMatchWithin1e4() {
    RandomNetworks random = new RandomNetworks(42);
    double worst = 0;
    for (int i = 0; i < 24; i++) {
      int size = 16 + 2 * (i % 5); // even and odd sizes after stride 2 exercise padding
      NetworkDescription net = random.mbconvNet("random-" + i, i % 3 == 0 ? 1 : 3, size, 2 + i % 4, 10);
      double diff = maxAbsDiff(net, random.image(net.inputChannels(), size));
      assertTrue(diff <= 1e-4, net.name() + " differs by " + diff);
      worst = Math.max(worst, diff);
    }
    System.out.println("export equivalence: worst max abs difference over 24 networks, cpu and xnnpack = " + worst);
  }

  @Test
  void asymmetricKernelDistinguishesLayouts() {
    // a single 3x3 conv with a kernel that is not symmetric: a transposed layout would not match
    float[] w = new float[2 * 3 * 3 * 3];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i % 7) - 3;
    }
    List<Node> nodes = List.of(new Conv2d(3, 2, 3, 2, false, w, new float[] {0.5f, -0.5f}),
        new Activation(Activation.Kind.HSWISH), new GlobalAvgPool());
    NetworkDescription net = new NetworkDescription("layout", 3, 6, nodes);
    RandomNetworks random = new RandomNetworks(1);
    assertTrue(maxAbsDiff(net, random.image(3, 6)) <= 1e-4);
  }
}
