package io.hilnat.host.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.export.TfliteExporter;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.space.SubnetBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole subnets of both spaces, exported and run in TFLite, agree with DJL; MAdds and params add up. */
class SubnetExportTest {

  @TempDir Path cache;

  @Test
  void subnetsOfBothSpacesExportFaithfully() throws Exception {
    SearchSpace small = SearchSpaceLoader.load("small-mbv3");
    SearchSpace ofa = SearchSpaceLoader.load("ofa-mbv3");
    List<Object[]> cases = List.of(
        new Object[] {small, small.smallest()}, new Object[] {small, small.largest()},
        new Object[] {small, small.sample(new Random(5))}, new Object[] {ofa, ofa.smallest()},
        new Object[] {ofa, ofa.sample(new Random(6))});
    try (LocalAgent agent = LocalAgent.start(cache);
        AgentClient client = new AgentClient(agent.target());
        NDManager manager = NDManager.newBaseManager()) {
      for (Object[] c : cases) {
        SearchSpace space = (SearchSpace) c[0];
        Architecture arch = (Architecture) c[1];
        NetworkDescription net = new SubnetBuilder(space).build(arch, 3, 10, 11);
        float[] image = new RandomNetworks(9).image(3, arch.resolution());
        String sha = client.ensureUploaded(new TfliteExporter().export(net), net.name());
        float[] tflite = client.infer(sha, List.of(RandomNetworks.toNhwc(image, 3, arch.resolution())), 1).get(0);
        float[] djl = DjlForward.forward(net, image, manager);
        assertEquals(10, tflite.length);
        for (int i = 0; i < djl.length; i++) {
          assertEquals(djl[i], tflite[i], 1e-4, net.name() + " output " + i);
        }
      }
    }
  }

  @Test
  void statsCountAHandComputedNetwork() {
    RandomNetworks r = new RandomNetworks(0);
    // conv 3->8 k3 s2 on 8x8 -> 4x4: 8*3*9*16 = 3456 MAdds, 216 weights; BN 8 -> 32 params
    // depthwise 8 k3 s1 on 4x4: 8*9*16 = 1152 MAdds, 72 weights; SE 8<->8: 128 MAdds, 128+16 params
    // pool; dense 8->10: 80 MAdds, 90 params
    NetworkDescription net = new NetworkDescription("hand", 3, 8, List.of(
        r.conv(3, 8, 3, 2, false), r.batchNorm(8), r.conv(8, 8, 3, 1, true), r.squeezeExcite(8, 8),
        new GlobalAvgPool(), r.dense(8, 10)));
    NetworkStats stats = NetworkStats.of(net);
    assertEquals(3456 + 1152 + 128 + 80, stats.madds());
    assertEquals(216 + 32 + 72 + 144 + 90, stats.params());
    assertTrue(NetworkStats.of(new SubnetBuilder(SearchSpaceLoader.load("small-mbv3"))
        .build(SearchSpaceLoader.load("small-mbv3").largest(), 3, 10, 0)).madds() > stats.madds());
  }
}
