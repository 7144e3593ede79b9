package io.hilnat.host.space;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchSpaceTest {

  private final SearchSpace ofa = SearchSpaceLoader.load("ofa-mbv3");
  private final SearchSpace small = SearchSpaceLoader.load("small-mbv3");

  @Test
  void ofaSpaceMatchesNat() {
    assertEquals(22, ofa.encodingLength());
    assertEquals(17, ofa.resolutions().size());
    assertEquals(192, ofa.resolutions().get(0));
    assertEquals(256, ofa.maxResolution());
    // per stage: 9^2 + 9^3 + 9^4 choices; five stages; 17 resolutions; 2 widths: about 7e20
    BigInteger perStage = BigInteger.valueOf(81 + 729 + 6561);
    BigInteger total = perStage.pow(5).multiply(BigInteger.valueOf(17 * 2));
    assertTrue(total.compareTo(new BigInteger("700000000000000000000")) > 0);
    assertTrue(total.compareTo(new BigInteger("800000000000000000000")) < 0);
  }

  @Test
  void encodeDecodeRoundTripsRandomArchitectures() {
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      Architecture arch = ofa.sample(random);
      int[] genes = ofa.encode(arch);
      assertEquals(arch, ofa.decode(genes));
      assertEquals(arch, ArchitectureFormat.parse(ofa, ArchitectureFormat.toJson(arch)));
      assertEquals(arch, ArchitectureFormat.parse(ofa, ArchitectureFormat.key(ofa, arch)));
    }
  }

  @Test
  void repairMovesSkippedLayersBehindActiveOnes() {
    int[] genes = ofa.encode(ofa.largest());
    genes[2 + 2] = 0; // stage 1, layer 3 skipped while layer 4 is active
    int[] repaired = ofa.repair(genes);
    assertEquals(0, repaired[2 + 3]);
    assertEquals(genes[2 + 3], repaired[2 + 2]);
    assertEquals(3, ofa.decode(genes).depth(0));
  }

  @Test
  void firstTwoLayersOfAStageCannotBeSkipped() {
    int[] genes = ofa.encode(ofa.smallest());
    genes[2 + 4] = 0; // stage 2, layer 1
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ofa.decode(genes));
    assertTrue(e.getMessage().contains("gene 6"), e.getMessage());
  }

  @Test
  void smallestAndLargestAreTheExtremes() {
    Architecture s = small.smallest();
    Architecture l = small.largest();
    assertEquals(24, s.resolution());
    assertEquals(32, l.resolution());
    assertEquals(10, s.activeLayers());
    assertEquals(20, l.activeLayers());
    assertTrue(l.stages().get(0).stream().allMatch(layer -> layer.kernel() == 7 && layer.expand() == 6));
  }

  @Test
  void neighboursDifferInOneGeneAndAreDistinct() {
    Architecture arch = small.sample(new Random(3));
    List<Architecture> neighbours = small.neighbours(arch);
    Set<String> keys = new HashSet<>();
    for (Architecture n : neighbours) {
      assertTrue(keys.add(ArchitectureFormat.key(small, n)));
      assertFalse(n.equals(arch));
    }
    assertTrue(neighbours.size() > 20);
  }

  @Test
  void widthsRoundToMultiplesOfEight() {
    assertEquals(24, SearchSpace.scaledChannels(24, 1.0));
    assertEquals(32, SearchSpace.scaledChannels(24, 1.2));
    assertEquals(1536, SearchSpace.scaledChannels(1280, 1.2));
  }

  @Test
  void everySpaceRoundTripsThroughItsYamlForm(@TempDir Path dir) throws Exception {
    List<String> spaces = new ArrayList<>(SearchSpaceLoader.BUILT_IN);
    spaces.add("src/test/resources/spaces/micro.yaml");
    for (String name : spaces) {
      SearchSpace space = SearchSpaceLoader.load(name);
      Path file = dir.resolve(space.name() + ".yaml");
      Files.writeString(file, SearchSpaceLoader.toYaml(space));
      assertEquals(space, SearchSpaceLoader.load(file.toString()), name);
    }
  }

  @Test
  void malformedSpaceFileNamesTheFieldAndFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    String good = new String(
        SearchSpaceLoader.class.getResourceAsStream("/spaces/small-mbv3.yaml").readAllBytes());
    Files.writeString(file, good.replace("stride: 2, activation: relu,   se: false", "stride: two, activation: relu, "
        + "se: false"));
    SpaceFormatException e = assertThrows(SpaceFormatException.class, () -> SearchSpaceLoader.load(file.toString()));
    assertTrue(e.getMessage().contains("bad.yaml") && e.getMessage().contains("stages[0].stride"), e.getMessage());

    Files.writeString(file, good.replace("kernels: [3, 5, 7]", "kernels: [5, 3, 7]"));
    e = assertThrows(SpaceFormatException.class, () -> SearchSpaceLoader.load(file.toString()));
    assertTrue(e.getMessage().contains("'kernels'"), e.getMessage());

    Files.writeString(file, good.replace("activation: hswish, dropout", "activation: swishy, dropout"));
    e = assertThrows(SpaceFormatException.class, () -> SearchSpaceLoader.load(file.toString()));
    assertTrue(e.getMessage().contains("head.activation"), e.getMessage());

    e = assertThrows(SpaceFormatException.class, () -> SearchSpaceLoader.load(dir.resolve("nope.yaml").toString()));
    assertTrue(e.getMessage().contains("nope.yaml"), e.getMessage());
  }

  @Test
  void architectureOutsideTheSpaceIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> ArchitectureFormat.parse(small, "{\"resolution\":100,\"width\":1.0,\"stages\":[]}"));
    assertArrayEquals(small.encode(small.largest()), small.encode(ArchitectureFormat.parse(small, "largest")));
  }
}
