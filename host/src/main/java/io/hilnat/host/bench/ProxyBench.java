package io.hilnat.host.bench;

import io.hilnat.host.engine.ComputeDevice;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hilnat.host.job.SearchData;
import io.hilnat.host.proxy.LinearRegions;
import io.hilnat.host.proxy.NtkConditionNumber;
import io.hilnat.host.proxy.Proxies;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.stats.KendallTau;
import io.hilnat.host.supernet.SubnetEvaluator;
import io.hilnat.host.supernet.Supernet;
import io.hilnat.host.supernet.SupernetCheckpoint;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How well the training-free proxies rank subnets: Kendall τ of −κ, of the region count and of −(rank sum)
 * against each subnet's inherited-weight top-1 on the validation split of a trained supernet, with each
 * proxy's cost per subnet. Subnets whose κ is not finite are counted and left out of κ's τ.
 */
public final class ProxyBench {

  private ProxyBench() {}

  public static ObjectNode run(Path supernetDir, int subnets, int regionInputs, int ntkBatch, PrintStream progress)
      throws Exception {
    String dataSpec = SupernetCheckpoint.metadata(supernetDir).get("data").asText();
    SearchData data = SearchData.load(dataSpec, 1000, 1.0, 1);
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode report = mapper.createObjectNode().put("benchmark", "proxies").put("supernet", supernetDir.toString())
        .put("subnets", subnets);
    Machine.describe(report.putObject("machine"));
    try (NDManager manager = ComputeDevice.newManager(); Supernet net = SupernetCheckpoint.load(supernetDir, manager)) {
      SearchSpace space = net.space();
      List<Architecture> archs = new ArrayList<>();
      Random random = new Random(21);
      while (archs.size() < subnets) {
        archs.add(space.sample(random));
      }
      SubnetEvaluator evaluator = new SubnetEvaluator(data.train(), 480, 200, manager);
      double[] accuracy = new double[subnets];
      for (int i = 0; i < subnets; i++) {
        accuracy[i] = evaluator.accuracy(net, archs.get(i), data.validation());
      }
      progress.println("inherited-weight accuracies measured");
      List<Proxies.Score> scores = new Proxies(space,
          new NtkConditionNumber(space, data.train(), ntkBatch, 1, manager),
          new LinearRegions(space, data.trainSet().channels(), data.trainSet().classes(), regionInputs, 0.005, 1,
              manager))
          .score(archs, 7);
      double[] negKappa = new double[subnets];
      double[] regions = new double[subnets];
      double[] rankSum = new double[subnets];
      long ntkMillis = 0;
      long regionMillis = 0;
      ArrayNode rows = report.putArray("rows");
      for (int i = 0; i < subnets; i++) {
        Proxies.Score s = scores.get(i);
        negKappa[i] = -s.kappa();
        regions[i] = s.regions();
        rankSum[i] = -s.rankSum();
        ntkMillis += s.ntkMillis();
        regionMillis += s.regionsMillis();
        rows.addObject().put("arch", s.key()).put("accuracy", accuracy[i]).put("kappa", s.kappa())
            .put("regions", s.regions());
      }
      long singular = scores.stream().filter(s -> s.kappa() == NtkConditionNumber.SINGULAR).count();
      report.put("tau_neg_kappa_vs_accuracy", KendallTau.of(negKappa, accuracy));
      report.put("kappa_singular", singular);
      report.put("tau_regions_vs_accuracy", KendallTau.of(regions, accuracy));
      report.put("tau_neg_rank_sum_vs_accuracy", KendallTau.of(rankSum, accuracy));
      report.put("ntk_ms_per_subnet", (double) ntkMillis / subnets);
      report.put("regions_ms_per_subnet", (double) regionMillis / subnets);
      progress.printf(Locale.ROOT, "tau: -kappa %.3f (%d singular), regions %.3f, -rank sum %.3f%n",
          report.get("tau_neg_kappa_vs_accuracy").asDouble(), singular, report.get("tau_regions_vs_accuracy")
              .asDouble(), report.get("tau_neg_rank_sum_vs_accuracy").asDouble());
    }
    return report;
  }
}
