package io.hilnat.host.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Settings as run.db stores them: a run resumed later keeps what it was started with, older runs included. */
class SearchOptionsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static SearchOptions options(boolean augment) {
    return SearchOptions.builder().warmupMinutes(7.5).timeLimitMinutes(15).augment(augment).randomSubnets(2)
        .adaptLr(0.005).validationImages(3000).build();
  }

  @Test
  void storedSettingsReadBackTheSame() throws Exception {
    SearchOptions unaugmented = options(false);
    SearchOptions read = JSON.readValue(JSON.writeValueAsString(unaugmented), SearchOptions.class);
    assertEquals(unaugmented, read);
    assertFalse(read.augment());
    assertEquals(2, read.randomSubnets());
    assertEquals(0.005, read.adaptLr());
    assertEquals(SearchOptions.NTK_IMAGES, read.ntkImages(), "0 means the default");
  }

  @Test
  void runsStoredBeforeAnOptionKeepTheirBehaviour() throws Exception {
    ObjectNode stored = JSON.valueToTree(options(false));
    stored.remove(List.of("augment", "randomSubnets", "adaptLr", "ntkImages", "regionInputs"));
    SearchOptions read = JSON.treeToValue(stored, SearchOptions.class);
    assertTrue(read.augment(), "runs before --no-augment trained on shifted images");
    assertEquals(1, read.randomSubnets(), "and warmed up with one random subnet a step");
    assertEquals(SearchOptions.ADAPT_LR, read.adaptLr(), "and adapted at the default rate");
    assertEquals(SearchOptions.NTK_IMAGES, read.ntkImages());
    assertEquals(SearchOptions.REGION_INPUTS, read.regionInputs());
  }
}
