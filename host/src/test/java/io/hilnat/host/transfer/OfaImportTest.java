package io.hilnat.host.transfer;

import static io.hilnat.host.cli.HostCli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.net.RandomNetworks;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.Layer;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.hilnat.host.cli.HostCli.Run;

/**
 * The Once-for-All fixture (a w1.0 supernet written by OFA's own code, with OFA's logits for 8 subnets at 160-256
 * px) imported as a user imports it: hilnat's forward pass, and each subnet exported to .tflite and run by a real
 * agent, give OFA's logits. The fixture lives beside the repository ({@code ../shared/fixtures/ofa-mbv3-w1.0}, or
 * {@code -Dhilnat.ofa.fixture=DIR}); where it is absent these tests are skipped, and say so.
 */
class OfaImportTest {

  static final Path FIXTURE = Path.of(System.getProperty("hilnat.ofa.fixture",
      Path.of("").toAbsolutePath().getParent().resolveSibling("shared").resolve("fixtures/ofa-mbv3-w1.0").toString()));
  static final Path CHECKPOINT = FIXTURE.resolve("ofa_mbv3_d234_e346_k357_w1.0.pth");
  static final double TOLERANCE = 1e-4;

  @TempDir static Path dir;
  static Path imported;
  static List<Case> cases;

  record Case(String label, Architecture arch, float[] input, float[] logits) {}

  @BeforeAll
  static void importFixture() throws Exception {
    if (!Files.isRegularFile(CHECKPOINT)) {
      // JUnit counts a class skipped in @BeforeAll as no tests at all: say it where the build log shows it
      System.out.println("OfaImportTest: skipped, the Once-for-All fixture is not at " + FIXTURE);
    }
    assumeTrue(Files.isRegularFile(CHECKPOINT), "the Once-for-All fixture is not at " + FIXTURE + ": skipped");
    // the fixture's subnets run at 160-256 px; NAT's ofa-mbv3 searches 192-256, so the import gets a copy
    SearchSpace ofa = SearchSpaceLoader.load("ofa-mbv3");
    SearchSpace wide = new SearchSpace(ofa.name(), IntStream.iterate(160, r -> r <= 256, r -> r + 4).boxed().toList(),
        ofa.widths(), ofa.kernels(), ofa.expandRatios(), ofa.depths(), ofa.stem(), ofa.firstBlock(), ofa.stages(),
        ofa.head());
    Path space = dir.resolve("ofa-mbv3-160-256.yaml");
    Files.writeString(space, SearchSpaceLoader.toYaml(wide));
    imported = dir.resolve("ofa-w1.0");
    Run run = run("supernet", "import-ofa", CHECKPOINT.toString(), "--out", imported.toString(), "--space",
        space.toString(), "--mean", "0,0,0", "--std", "1,1,1");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("imported"), run.out());
    cases = readCases(SupernetCheckpoint.space(imported));
  }

  @Test
  void importedSupernetGivesOfaLogitsForAllEightSubnets() throws Exception {
    try (NDManager manager = NDManager.newBaseManager(); Supernet net = SupernetCheckpoint.load(imported, manager)) {
      assertEquals("ofa-mbv3-w1.0", net.space().name());
      assertEquals(1000, net.classes());
      for (Case c : cases) {
        try (NDManager step = manager.newSubManager()) {
          int r = c.arch().resolution();
          NDArray images = step.create(c.input(), new Shape(1, 3, r, r));
          float[] logits = net.forward(c.arch(), images, false).toFloatArray();
          double diff = maxAbsDiff(c.logits(), logits);
          System.out.printf("OFA fixture, %s at %d px: hilnat (DJL) vs OFA max abs %.2e%n", c.label(), r, diff);
          assertTrue(diff <= TOLERANCE, c.label() + " differs from OFA's logits by " + diff);
        }
      }
    }
  }

  @Test
  void exportedSubnetsRunByAnAgentGiveOfaLogits() throws Exception {
    try (LocalAgent agent = LocalAgent.start(dir.resolve("agent-cache"));
        AgentClient client = new AgentClient(agent.target())) {
      for (int i = 0; i < cases.size(); i++) {
        Case c = cases.get(i);
        Path model = dir.resolve("case" + i + ".tflite");
        Run export = run("export", "--supernet", imported.toString(), "--arch", ArchitectureFormat.toJson(c.arch()),
            "--no-recalibrate", "-o", model.toString());
        assertEquals(0, export.code(), export.err());
        assertTrue(export.out().contains("stored batch-norm statistics"), export.out());
        String sha = client.ensureUploaded(Files.readAllBytes(model), "case" + i);
        int r = c.arch().resolution();
        for (String delegate : List.of("cpu", "xnnpack")) {
          float[] logits = client.infer(sha, List.of(RandomNetworks.toNhwc(c.input(), 3, r)), 1, delegate).get(0);
          double diff = maxAbsDiff(c.logits(), logits);
          System.out.printf("OFA fixture, %s at %d px: TFLite 2.20 %s (agent) vs OFA max abs %.2e%n", c.label(), r,
              delegate, diff);
          assertTrue(diff <= TOLERANCE, c.label() + " on " + delegate + " differs from OFA's logits by " + diff);
        }
      }
    }
  }

  @Test
  void exportWithoutTheDataNeedsNoRecalibrate() {
    Run run = run("export", "--supernet", imported.toString(), "--arch", "smallest", "-o",
        dir.resolve("refused.tflite").toString());
    assertEquals(2, run.code());
    assertTrue(run.err().contains("--no-recalibrate"), run.err());
    assertFalse(Files.exists(dir.resolve("refused.tflite")));
  }

  @Test
  void missingExtraAndMisshapenKeysAreNamed() throws Exception {
    Map<String, TorchTensor> original = TorchCheckpoint.stateDict(CHECKPOINT);
    SearchSpace ofa = SearchSpaceLoader.load("ofa-mbv3");
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, TorchTensor> changed = new LinkedHashMap<>(original);
      changed.remove("blocks.7.conv.depth_conv.conv.7to5_matrix");
      changed.put("blocks.21.conv.point_linear.conv.conv.weight", original.get("classifier.linear.bias"));
      String message = assertThrows(OfaImport.ImportException.class,
          () -> OfaImport.supernet("edited", changed, ofa, manager)).getMessage();
      assertTrue(message.contains("missing 1 keys: blocks.7.conv.depth_conv.conv.7to5_matrix"), message);
      assertTrue(message.contains("1 unexpected keys: blocks.21.conv.point_linear.conv.conv.weight"), message);

      Map<String, TorchTensor> misshapen = new LinkedHashMap<>(original);
      TorchTensor bias = original.get("blocks.3.conv.point_linear.bn.bn.bias");
      misshapen.put("blocks.3.conv.point_linear.bn.bn.bias", new TorchTensor("float32", new long[] {23},
          java.util.Arrays.copyOf(bias.values(), 23)));
      message = assertThrows(OfaImport.ImportException.class,
          () -> OfaImport.supernet("edited", misshapen, ofa, manager)).getMessage();
      assertTrue(message.contains("blocks.3.conv.point_linear.bn.bn.bias is float32[23]"), message);

      Map<String, TorchTensor> wider = new LinkedHashMap<>(original);
      wider.put("first_conv.conv.weight", new TorchTensor("float32", new long[] {20, 3, 3, 3}, new float[540]));
      message = assertThrows(OfaImport.ImportException.class,
          () -> OfaImport.supernet("edited", wider, ofa, manager)).getMessage();
      assertTrue(message.contains("20 channels") && message.contains("1.2: 24"), message);

      try (Supernet net = OfaImport.supernet("old names", oldBlockNames(original), ofa, manager)) {
        assertEquals(original.get("blocks.20.conv.depth_conv.conv.5to3_matrix").values()[3],
            net.values("stage5.layer4.depthwise.transform3x3")[3]);
      }
    }
  }

  /**
   * NAT's transfer end to end, as a user runs it: a short search of Fashion-MNIST (grey, 10 classes) from the
   * imported supernet at small resolutions, with adaptation and export. The fixture's weights are random, not
   * ImageNet's: this shows the path works, not that transfer pays.
   */
  @Test
  void aShortSearchOfFashionMnistStartsFromTheImportedSupernet() throws Exception {
    SearchSpace ofa = SupernetCheckpoint.space(imported);
    Path space = dir.resolve("ofa-mbv3-w1.0-small-images.yaml");
    Files.writeString(space, SearchSpaceLoader.toYaml(new SearchSpace(ofa.name(), List.of(32, 40), ofa.widths(),
        ofa.kernels(), ofa.expandRatios(), ofa.depths(), ofa.stem(), ofa.firstBlock(), ofa.stages(), ofa.head())));
    Path runDir = dir.resolve("search");
    Run search = run("search", "--supernet", imported.toString(), "--space", space.toString(), "--data",
        "fashion-mnist", "--objectives", "error,madds", "--initial", "6", "--iterations", "1", "--candidates", "2",
        "--population", "8", "--generations", "2", "--adapt-steps", "2", "--adapt-subnets", "2", "--batch", "16",
        "--val-images", "100", "--calibration-images", "32", "--export", "1", "--out", runDir.toString());
    assertEquals(0, search.code(), search.err() + search.out());
    assertTrue(search.out().contains("classifier re-initialised (10 classes, was 1000)"), search.out());
    assertTrue(search.out().contains("grey images: the first conv's weights summed over RGB"), search.out());
    assertTrue(search.out().contains("resolutions 32-40 px from the space file"), search.out());
    try (var models = Files.list(runDir.resolve("models"))) {
      assertTrue(models.anyMatch(m -> m.toString().endsWith(".tflite")), "no model exported");
    }
    JsonNode pareto = new ObjectMapper().readTree(runDir.resolve("pareto.json").toFile());
    assertTrue(pareto.size() > 0);
  }

  /** The state dict as OFA's files from before 2020-11 name it, under DataParallel's prefix. */
  private static Map<String, TorchTensor> oldBlockNames(Map<String, TorchTensor> current) {
    Map<String, TorchTensor> old = new LinkedHashMap<>();
    current.forEach((k, v) -> old.put("module." + k.replaceFirst("^(blocks\\.\\d+)\\.conv\\.",
        "$1.mobile_inverted_conv."), v));
    return old;
  }

  @AfterAll
  static void noStagingLeft() throws IOException {
    if (dir != null && Files.isDirectory(dir)) {
      try (var entries = Files.list(dir)) {
        assertTrue(entries.noneMatch(p -> p.getFileName().toString().contains(".importing-")),
            "an import left its staging folder behind");
      }
    }
  }

  private static List<Case> readCases(SearchSpace space) throws IOException {
    JsonNode all = new ObjectMapper().readTree(FIXTURE.resolve("cases.json").toFile());
    List<Case> out = new ArrayList<>();
    for (JsonNode c : all) {
      List<List<Layer>> stages = new ArrayList<>();
      for (int s = 0; s < 5; s++) {
        List<Layer> layers = new ArrayList<>();
        for (int j = 0; j < c.get("d").get(s).asInt(); j++) {
          int block = 4 * s + j;
          layers.add(new Layer(c.get("ks").get(block).asInt(), c.get("e").get(block).asInt()));
        }
        stages.add(layers);
      }
      Architecture arch = new Architecture(c.get("resolution").asInt(), 1.0, stages);
      space.validate(arch);
      out.add(new Case(c.get("label").asText() + " (case " + c.get("id").asInt() + ")", arch,
          floats(FIXTURE.resolve(c.get("input_file").asText())), floats(FIXTURE.resolve(c.get("output_file")
              .asText()))));
    }
    assertEquals(8, out.size());
    return out;
  }

  static float[] floats(Path file) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[bytes.remaining() / 4];
    bytes.asFloatBuffer().get(values);
    return values;
  }

  private static double maxAbsDiff(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, "logit counts differ");
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(expected[i] - actual[i]));
    }
    return max;
  }

}
