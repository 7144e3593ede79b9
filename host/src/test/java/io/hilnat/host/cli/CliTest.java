package io.hilnat.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.bench.DeployedAccuracy;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.Datasets;
import io.hilnat.host.job.SearchJob;
import io.hilnat.host.job.SearchOptions;
import io.hilnat.host.supernet.SupernetCheckpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them, against a real local agent. */
class CliTest {

  @TempDir static Path dir;
  static LocalAgent agent;

  @BeforeAll
  static void start() throws Exception {
    agent = LocalAgent.start(dir.resolve("cache"));
  }

  @AfterAll
  static void stop() {
    agent.close();
  }

  static HostCli.Run run(String... args) {
    return HostCli.run(args);
  }

  @Test
  void exportThenBenchOnTwoAgentsOneOfThemDown() throws Exception {
    Path model = dir.resolve("smallest.tflite");
    HostCli.Run export = run("export", "--space", "small-mbv3", "--arch", "smallest", "-o", model.toString());
    assertEquals(0, export.code(), export.err());
    assertTrue(Files.size(model) > 1000);
    assertTrue(export.out().contains("MAdds"), export.out());

    int down;
    try (ServerSocket socket = new ServerSocket(0)) {
      down = socket.getLocalPort();
    }
    HostCli.Run bench = run("bench", model.toString(), "--agent", agent.target(), "--agent", "127.0.0.1:" + down,
        "--runs", "10", "--min-seconds", "0", "--warmup", "2", "--warmup-seconds", "0", "--json");
    assertEquals(1, bench.code(), "an agent that is down makes the exit code non-zero");
    JsonNode json = new ObjectMapper().readTree(bench.out());
    assertEquals(2, json.size());
    JsonNode ok = json.get(0);
    assertEquals(agent.target(), ok.get("agent").asText());
    assertEquals(10, ok.at("/result/stats/count").asInt());
    assertEquals(10, ok.at("/result/latenciesMs").size());
    assertTrue(ok.at("/result/stats/p50Ms").asDouble() > 0);
    assertTrue(json.get(1).get("error").asText().contains("unreachable"), json.get(1).toString());

    HostCli.Run table = run("bench", model.toString(), "--agent", agent.target(), "--runs", "5", "--min-seconds", "0");
    assertEquals(0, table.code(), table.err());
    assertTrue(table.out().contains("p50 ms") && table.out().contains("linux-x86_64"), table.out());
    assertTrue(table.out().contains("xnnpack"), "the profile's default delegate ran: " + table.out());

    HostCli.Run profiled = run("bench", model.toString(), "--agent", agent.target(), "--runs", "5", "--min-seconds",
        "0",
        "--delegate", "cpu", "--op-profile", "--op-top", "3");
    assertEquals(0, profiled.code(), profiled.err());
    assertTrue(profiled.out().contains("cpu 0/") && profiled.out().contains("slowest operators"), profiled.out());
    assertEquals(3, profiled.out().lines().filter(l -> l.contains(" builtin ")).count(), profiled.out());

    HostCli.Run noGpu = run("bench", model.toString(), "--agent", agent.target(), "--delegate", "gpu", "--json");
    assertEquals(1, noGpu.code());
    assertTrue(noGpu.out().contains("available: [cpu, xnnpack]"), noGpu.out());
  }

  @Test
  void describeAndClearErrors() {
    HostCli.Run describe = run("agents", "describe", "--agent", agent.target());
    assertEquals(0, describe.code(), describe.err());
    assertTrue(describe.out().contains("tflite 2.20.0 on linux-x86_64"), describe.out());

    HostCli.Run badAgent = run("agents", "describe", "--agent", "localhost");
    assertEquals(2, badAgent.code());
    assertTrue(badAgent.err().contains("is neither HOST:PORT"), badAgent.err());

    HostCli.Run missing = run("bench", dir.resolve("nope.tflite").toString(), "--agent", agent.target());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("nope.tflite does not exist"), missing.err());

    HostCli.Run badArch = run("export", "--arch", "{\"resolution\":999,\"width\":1.0,\"stages\":[]}", "-o", "x.tflite");
    assertEquals(2, badArch.code());
    assertTrue(badArch.err().contains("resolution 999"), badArch.err());

    HostCli.Run shortDemo = run("demo", "--minutes", "6", "--out", dir.resolve("short-demo").toString());
    assertEquals(2, shortDemo.code());
    assertTrue(shortDemo.err().contains("--minutes must be at least 10"), shortDemo.err());
    assertTrue(Files.notExists(dir.resolve("short-demo")), "a refused demo leaves no run folder behind");
  }

  @Test
  void fineTuneImprovesABarelyTrainedSubnetAndExportsAModelThatRuns() throws Exception {
    Path supernet = dir.resolve("micro-supernet");
    HostCli.Run train = run("supernet", "train", "--space", "src/test/resources/spaces/micro.yaml", "--steps", "5",
        "--batch",
        "32", "--out", supernet.toString());
    assertEquals(0, train.code(), train.err());

    Path out = dir.resolve("fine-tuned");
    HostCli.Run tune = run("subnet", "fine-tune", "--supernet", supernet.toString(), "--arch", "largest", "--labels",
        "10%",
        "--epochs", "1", "--out", out.toString());
    assertEquals(0, tune.code(), tune.err());
    JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
    int labelled = result.get("labelled_images").asInt();
    assertEquals(6000, labelled, 10, "a stratified 10 % of the 60,000 training images");
    assertEquals(Math.round(labelled / 64.0), result.get("steps").asLong(), "one epoch in batches of 64");
    double before = result.get("test_top1_inherited_percent").asDouble();
    double after = result.get("test_top1_fine_tuned_percent").asDouble();
    assertTrue(after > before + 5, "fine-tuning a 5-step supernet's subnet helps: " + before + " -> " + after);
    Path model = out.resolve(result.get("model").asText());
    HostCli.Run bench = run("bench", model.toString(), "--agent", agent.target(), "--runs", "3", "--min-seconds", "0");
    assertEquals(0, bench.code(), "the fine-tuned model runs in the TFLite runtime: " + bench.err());

    // alone in Arm NN, a runtime that shares no code with TFLite, on the raw test images an app would have
    JsonNode armnnResult = armnn(model);
    System.out.printf(java.util.Locale.ROOT, "fine-tuned subnet: hilnat reported %.2f %%, Arm NN on raw images %.2f "
        + "%%%n",
        after, 100 * armnnResult.get("top1").asDouble());
    assertEquals("Ankle boot", armnnResult.at("/labels/9").asText(), "the labels come from the model's metadata");
    assertEquals(after, 100 * armnnResult.get("top1").asDouble(), 0.5,
        "raw images in Arm NN give the accuracy hilnat reported: " + armnnResult);

    // the same subnet as fp32 and int8, each through the agent on all 10,000 raw test images
    double[] top1 = new double[2];
    String[] precisions = {"fp32", "int8"};
    Datasets.Splits fmnist = Datasets.load("fashion-mnist");
    Batches test = new Batches(fmnist.test(), fmnist.train());
    try (NDManager manager = NDManager.newBaseManager()) {
      for (int p = 0; p < 2; p++) {
        Path exported = out.resolve("largest-" + precisions[p] + ".tflite");
        HostCli.Run export = run("export", "--supernet", out.resolve("supernet").toString(), "--arch", "largest",
            "--precision", precisions[p], "-o", exported.toString());
        assertEquals(0, export.code(), export.err());
        byte[] bytes = Files.readAllBytes(exported);
        try (AgentClient client = new AgentClient(agent.target())) {
          top1[p] = DeployedAccuracy.topOne(client, client.ensureUploaded(bytes, exported.toString()), test, 16,
              p == 1, "xnnpack", manager);
        }
      }
    }
    System.out.printf(java.util.Locale.ROOT, "largest subnet through the agent: fp32 %.2f %%, int8 %.2f %%%n",
        100 * top1[0], 100 * top1[1]);
    assertTrue(top1[0] - top1[1] <= 0.01, "int8 loses at most a point: " + top1[0] + " -> " + top1[1]);
    JsonNode int8InArmnn = armnn(out.resolve("largest-int8.tflite"));
    System.out.printf(java.util.Locale.ROOT, "int8 model alone in Arm NN on raw images: %.2f %% (%s input)%n",
        100 * int8InArmnn.get("top1").asDouble(), int8InArmnn.get("input_dtype").asText());
    assertEquals("uint8", int8InArmnn.get("input_dtype").asText());
    assertEquals(100 * top1[1], 100 * int8InArmnn.get("top1").asDouble(), 0.5,
        "the int8 model in Arm NN gives what it gave in TFLite: " + int8InArmnn);

    HostCli.Run bad = run("subnet", "fine-tune", "--supernet", supernet.toString(), "--arch", "largest", "--labels",
        "0%");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--labels in (0, 100%]"), bad.err());
  }

  /** {@code scripts/armnn-accuracy.py} on the model: Fashion-MNIST's 10,000 raw test images in Arm NN. */
  private static JsonNode armnn(Path model) throws Exception {
    Process armnn = new ProcessBuilder("/usr/bin/python3", "../scripts/armnn-accuracy.py", model.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(armnn.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, armnn.waitFor(), "Arm NN ran " + model + ": " + out);
    JsonNode result = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    assertEquals(10000, result.get("images").asInt());
    return result;
  }

  @Test
  void aSearchValidatesOnImagesItsSupernetNeverSawOrItsReportWarns() throws Exception {
    Path supernet = dir.resolve("held-out-supernet");
    HostCli.Run train = run("supernet", "train", "--space", "src/test/resources/spaces/micro.yaml", "--steps", "2",
        "--batch",
        "16", "--val-images", "200", "--out", supernet.toString());
    assertEquals(0, train.code(), train.err());
    assertTrue(train.out().contains("training on 59800 of 60000 training images"), train.out());
    assertEquals(Optional.of(new SupernetCheckpoint.HeldOut("fashion-mnist", 200, 1)), SupernetCheckpoint
        .heldOut(supernet));

    HostCli.Run otherSplit = run("supernet", "train", "--space", "src/test/resources/spaces/micro.yaml", "--steps", "4",
        "--batch", "16", "--val-images", "0", "--out", supernet.toString());
    assertEquals(2, otherSplit.code(), "resuming with another held-out split would train on validation images");
    assertTrue(otherSplit.err().contains("was trained holding out 200 images of fashion-mnist (seed 1); resume it with "
        + "--data fashion-mnist --val-images 200 --seed 1"), otherSplit.err());
    assertEquals(2, SupernetCheckpoint.metadata(supernet).get("steps").asLong(), "the refused resume trained nothing");

    for (int validation : new int[] {200, 300}) {
      Path search = dir.resolve("search-validating-on-" + validation);
      new SearchJob(search, new PrintWriter(new StringWriter(), true)).execute(SearchOptions.builder()
          .space("src/test/resources/spaces/micro.yaml").supernet(supernet.toString())
          .warmupSteps(3).timeLimitMinutes(0.001).batch(16).objectives(List.of("error", "madds"))
          .initialSamples(6).iterations(3).candidates(3).population(20).generations(3).adaptSteps(2)
          .validationImages(validation).calibrationImages(32).benchmarkRuns(5).exportTop(2).build());
      String report = Files.readString(search.resolve("report.md"));
      assertEquals(validation != 200, report.contains("**Warning:** the supernet " + supernet + " was trained on this "
          + "search's validation images (it held out 200 images of fashion-mnist (seed 1), the search validates on "
          + validation + " images"), report);
    }
  }

  @Test
  void supernetTrainedForMinutesKeepsItsLengthOnResume() throws Exception {
    Path supernet = dir.resolve("timed-supernet");
    List<String> command = List.of("supernet", "train", "--space", "src/test/resources/spaces/micro.yaml",
        "--minutes", "0.2", "--batch", "32", "--out", supernet.toString());
    HostCli.Run first = run(command.toArray(String[]::new));
    assertEquals(0, first.code(), first.err());
    long sized = new ObjectMapper().readTree(supernet.resolve("budget.json").toFile()).get("steps").asLong();
    assertTrue(sized > 30, "12 s hold more than the 30 timed steps: " + sized);
    assertTrue(first.out().contains("0.2 minutes: " + sized + " steps"), first.out());
    assertEquals(sized, SupernetCheckpoint.metadata(supernet).get("steps").asLong());

    HostCli.Run again = run(command.toArray(String[]::new));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("resuming") && again.out().contains("0.2 minutes: " + sized + " steps"),
        "a finished timed run keeps its length: " + again.out());
    assertEquals(sized, SupernetCheckpoint.metadata(supernet).get("steps").asLong());
  }
}
