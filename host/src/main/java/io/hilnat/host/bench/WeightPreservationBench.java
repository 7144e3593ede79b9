package io.hilnat.host.bench;

import io.hilnat.host.engine.ComputeDevice;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.Datasets;
import io.hilnat.host.export.TfliteExporter;
import io.hilnat.host.net.RandomNetworks;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.supernet.SubnetEvaluator;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Weight preservation end to end: subnets of a trained supernet, batch norms recalibrated, evaluated
 * on the test set by the host (DJL) and, exported with their inherited weights, by the TFLite runtime
 * through a local agent. The two accuracies should agree to within rounding.
 */
public final class WeightPreservationBench {

  private WeightPreservationBench() {}

  public static ObjectNode run(Path supernetDir, int subnets, Path work, PrintStream progress) throws Exception {
    String data = SupernetCheckpoint.metadata(supernetDir).get("data").asText();
    Datasets.Splits splits = Datasets.load(data);
    Batches train = new Batches(splits.train(), splits.train());
    Batches test = new Batches(splits.test(), splits.train());
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode report = mapper.createObjectNode();
    report.put("benchmark", "weight-preservation").put("supernet", supernetDir.toString()).put("data", data);
    Machine.describe(report.putObject("machine"));
    ArrayNode rows = report.putArray("subnets");
    double worst = 0;
    try (NDManager manager = ComputeDevice.newManager(); Supernet net = SupernetCheckpoint.load(supernetDir, manager);
        LocalAgent agent = LocalAgent.start(work.resolve("agent-cache"));
        AgentClient client = new AgentClient(agent.target())) {
      SubnetEvaluator evaluator = new SubnetEvaluator(train, 960, 128, manager);
      List<Architecture> archs = new ArrayList<>(List.of(net.space().largest(), net.space().smallest()));
      Random random = new Random(11);
      while (archs.size() < subnets) {
        archs.add(net.space().sample(random));
      }
      int n = splits.test().count();
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      for (Architecture arch : archs) {
        double host = evaluator.accuracy(net, arch, test);
        String sha = client.ensureUploaded(new TfliteExporter().export(net.extract(arch)), "subnet");
        long correct = 0;
        int r = arch.resolution();
        int c = splits.test().channels();
        for (int from = 0; from < n; from += 1000) {
          int count = Math.min(1000, n - from);
          List<float[]> inputs = new ArrayList<>();
          try (NDManager scope = manager.newSubManager()) {
            NDArray images = test.images(scope, order, from, count, r, null);
            float[] all = images.toFloatArray();
            int per = c * r * r;
            for (int i = 0; i < count; i++) {
              float[] chw = new float[per];
              System.arraycopy(all, i * per, chw, 0, per);
              inputs.add(RandomNetworks.toNhwc(chw, c, r));
            }
          }
          List<float[]> outputs = client.infer(sha, inputs, 2);
          for (int i = 0; i < count; i++) {
            float[] logits = outputs.get(i);
            int best = 0;
            for (int k = 1; k < logits.length; k++) {
              if (logits[k] > logits[best]) {
                best = k;
              }
            }
            if (best == splits.test().labels()[from + i]) {
              correct++;
            }
          }
        }
        double tflite = (double) correct / n;
        worst = Math.max(worst, Math.abs(host - tflite));
        rows.addObject().put("arch", ArchitectureFormat.toJson(arch)).put("host_top1", host)
            .put("tflite_top1", tflite).put("difference_points", 100 * (tflite - host));
        progress.printf("%s: host %.2f %%, TFLite %.2f %%%n", ArchitectureFormat.toJson(arch), 100 * host,
            100 * tflite);
      }
    }
    report.putObject("summary").put("figure", "max |TFLite top-1 - host top-1|").put("unit", "points")
        .put("value", 100 * worst).put("goal", 0.2);
    return report;
  }
}
