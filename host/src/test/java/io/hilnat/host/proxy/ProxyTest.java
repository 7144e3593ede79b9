package io.hilnat.host.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hilnat.host.cli.HilnatMain;
import io.hilnat.host.data.Batches;
import io.hilnat.host.data.Datasets;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.space.Architecture;
import io.hilnat.host.space.ArchitectureFormat;
import io.hilnat.host.space.SearchSpace;
import io.hilnat.host.space.SearchSpaceLoader;
import io.hilnat.host.supernet.Supernet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProxyTest {

  static final SearchSpace SPACE = SearchSpaceLoader.load("small-mbv3");
  static NDManager manager;
  static Batches images;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
    Datasets.Splits splits = Datasets.load("fashion-mnist");
    images = new Batches(splits.test(), splits.train());
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void jacobiFindsKnownEigenvalues() {
    // eigenvalues 1, 2, 4 rotated by an orthogonal Householder matrix H = I - 2vvᵀ, v = (1, 2, 2)/3
    double[][] h = {{7 / 9.0, -4 / 9.0, -4 / 9.0}, {-4 / 9.0, 1 / 9.0, -8 / 9.0}, {-4 / 9.0, -8 / 9.0, 1 / 9.0}};
    double[] d = {4, 1, 2};
    double[][] a = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          a[i][j] += h[i][k] * d[k] * h[j][k];
        }
      }
    }
    assertArrayEquals(new double[] {1, 2, 4}, SymmetricEigenvalues.of(a), 1e-12);
    assertArrayEquals(new double[] {-1, 3}, SymmetricEigenvalues.of(new double[][] {{1, 2}, {2, 1}}), 1e-12);
    assertEquals(4.0, NtkConditionNumber.conditionNumber(a), 1e-9);
    assertEquals(1e6, NtkConditionNumber.conditionNumber(new double[][] {{1, 0}, {0, 1e-6}}), 1e-3);
    // singular within the float gradients' precision (rank 1, all zero): the worst κ, finite for the surrogates
    assertEquals(NtkConditionNumber.SINGULAR, NtkConditionNumber.conditionNumber(new double[][] {{1, 1}, {1, 1}}));
    assertEquals(NtkConditionNumber.SINGULAR, NtkConditionNumber.conditionNumber(new double[2][2]));
  }

  @Test
  void conditionNumberIsFiniteAtLeastOneAndSeeded() {
    NtkConditionNumber ntk = new NtkConditionNumber(SPACE, images, 16, 1, manager);
    Architecture smallest = SPACE.smallest();
    long start = System.nanoTime();
    double kappa = ntk.of(smallest, 3);
    System.out.printf("kappa(smallest) = %.4g in %d ms%n", kappa, (System.nanoTime() - start) / 1_000_000);
    assertTrue(kappa >= 1 && Double.isFinite(kappa), "kappa " + kappa);
    assertEquals(kappa, ntk.of(smallest, 3), 1e-9 * kappa);
  }

  @Test
  void conditionNumberStaysFiniteAndRepeatableWhileTheGarbageCollectorRuns() throws Exception {
    // this subnet's κ was NaN or infinite in most fresh JVMs: backward read scalar operands (the 6 of h-swish, a
    // pooling divisor) whose Java buffers the collector had already freed; a collector running throughout
    // made that happen on nearly every call
    SearchSpace tiny = SearchSpaceLoader.load("tiny-mbv3");
    Architecture arch = ArchitectureFormat.parse(tiny, "0,1,9,0,0,8,9,8,6,0,0,4,3,0");
    NtkConditionNumber ntk = new NtkConditionNumber(tiny, images, 32, 1, manager);
    AtomicBoolean stop = new AtomicBoolean();
    Thread collector = new Thread(() -> {
      while (!stop.get()) {
        System.gc();
        LockSupport.parkNanos(5_000_000);
      }
    });
    collector.start();
    try {
      double first = ntk.of(arch, 1);
      double second = ntk.of(arch, 1);
      assertTrue(first >= 1 && Double.isFinite(first), "kappa " + first);
      assertEquals(first, second, 1e-9 * first);
    } finally {
      stop.set(true);
      collector.join();
    }
  }

  @Test
  void conditionNumberDependsOnTheLayersNotOnlyOnResolutionAndWidth() {
    // images forwarded one at a time made every batch norm normalise a single image over its pixels, which
    // erased the last stages' features: κ was ≈381 for every tiny-mbv3 subnet at 24 px and width 1.0
    SearchSpace tiny = SearchSpaceLoader.load("tiny-mbv3");
    NtkConditionNumber ntk = new NtkConditionNumber(tiny, images, 16, 1, manager);
    double shallow = ntk.of(new Architecture(24, 1.0, tiny.smallest().stages()), 2);
    double deep = ntk.of(new Architecture(24, 1.0, tiny.largest().stages()), 2);
    System.out.printf("kappa at 24 px, width 1.0: smallest layers %.4g, largest layers %.4g%n", shallow, deep);
    assertTrue(Math.abs(Math.log(deep / shallow)) > Math.log(1.1),
        "κ of the smallest and largest layers differ by less than 10 %: " + shallow + " vs " + deep);
  }

  @Test
  void regionsAlongASegmentAreCountedAndPatternsAreDeterministic() {
    LinearRegions regions = new LinearRegions(SPACE, 1, 10, 60, 1.0, 1, manager);
    long start = System.nanoTime();
    double count = regions.of(SPACE.smallest(), 5);
    System.out.printf("regions(smallest, 60 inputs) = %.0f in %d ms%n", count, (System.nanoTime() - start) / 1_000_000);
    assertTrue(count >= 2 && count <= 60, "regions " + count);
    try (NDManager m = manager.newSubManager();
        Supernet net = new Supernet(SPACE, 1, 10, m, 5)) {
      NetworkDescription d = net.extract(SPACE.smallest());
      NDArray x = m.randomNormal(0f, 1f, new Shape(5, 1, 24, 24), DataType.FLOAT32);
      List<ByteBuffer> twice = LinearRegions.patterns(d, x.concat(x));
      assertEquals(5, new HashSet<>(twice).size(), "each input repeated once: as many regions as inputs");
      assertEquals(twice.subList(0, 5), twice.subList(5, 10));
    }
  }

  @Test
  void cliRejectsABadArchitectureWithAMessage() {
    CommandLine cli = HilnatMain.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("proxies", "--space", "small-mbv3", "--arch", "not-an-arch");
    assertEquals(2, code);
    assertTrue(err.toString().contains("cannot read architecture 'not-an-arch'"), err.toString());
  }
}
