package io.hilnat.host.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.LocalAgent;
import io.hilnat.host.net.DjlForward;
import io.hilnat.host.net.NetworkDescription;
import io.hilnat.host.net.RandomNetworks;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.support.metadata.MetadataExtractor;
import org.tensorflow.lite.support.metadata.schema.NormalizationOptions;
import org.tensorflow.lite.support.metadata.schema.ProcessUnitOptions;

/**
 * A deployable model takes raw images: in the real TFLite runtime, with both delegates, it gives on [0, 1] values
 * what the network gives on normalised ones; TensorFlow's own metadata reader finds its labels and pixel mapping.
 */
class DeployableModelTest {

  @TempDir Path dir;

  @Test
  void rawImagesInGiveTheNormalisedNetworksLogitsAndTheMetadataReadsBack() throws Exception {
    RandomNetworks random = new RandomNetworks(11);
    List<String> labels = List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine");
    try (LocalAgent agent = LocalAgent.start(dir.resolve("cache"));
        AgentClient client = new AgentClient(agent.target());
        NDManager manager = NDManager.newBaseManager()) {
      for (int channels : new int[] {1, 3}) {
        NetworkDescription net = random.mbconvNet("deployable-" + channels, channels, 20, 3, labels.size());
        float[] mean = channels == 1 ? new float[] {0.286f} : new float[] {0.49f, 0.48f, 0.45f};
        float[] std = channels == 1 ? new float[] {0.353f} : new float[] {0.25f, 0.24f, 0.26f};
        Path file = dir.resolve("model-" + channels + ".tflite");
        byte[] model = DeployableModel.write(file, net, new ModelCard("m" + channels, "a test model", labels, mean,
            std, "fp32", Map.of("test_top1", 0.5)));

        float[] raw = new float[channels * 20 * 20];
        for (int i = 0; i < raw.length; i++) {
          raw[i] = (float) ((i * 7919 % 256) / 255.0);
        }
        float[] normalised = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
          int c = i / 400;
          normalised[i] = (raw[i] - mean[c]) / std[c];
        }
        float[] expected = DjlForward.forward(net, normalised, manager);
        String sha = client.ensureUploaded(model, file.getFileName().toString());
        for (String delegate : List.of("cpu", "xnnpack")) {
          float[] got = client.infer(sha, List.of(RandomNetworks.toNhwc(raw, channels, 20)), 1, delegate).get(0);
          double worst = 0;
          for (int k = 0; k < expected.length; k++) {
            worst = Math.max(worst, Math.abs(expected[k] - got[k]));
          }
          assertTrue(worst <= 1e-4, channels + " channels, " + delegate + ": differs by " + worst);
        }

        MetadataExtractor metadata = new MetadataExtractor(ByteBuffer.wrap(Files.readAllBytes(file)));
        assertTrue(metadata.hasMetadata());
        assertTrue(metadata.isMinimumParserVersionSatisfied());
        assertEquals("m" + channels, metadata.getModelMetadata().name());
        String labelsFile = new String(metadata.getAssociatedFile(ModelMetadataWriter.LABELS_FILE).readAllBytes(),
            StandardCharsets.UTF_8);
        assertEquals(labels, labelsFile.lines().toList());
        var unit = metadata.getInputTensorMetadata(0).processUnits(0);
        assertEquals(ProcessUnitOptions.NormalizationOptions, unit.optionsType());
        NormalizationOptions pixels = (NormalizationOptions) unit.options(new NormalizationOptions());
        assertEquals(255f, pixels.std(0));
        assertEquals(0f, pixels.mean(0));
        assertEquals(channels, pixels.stdLength());

        JsonNode sidecar = new ObjectMapper().readTree(DeployableModel.sidecar(file).toFile());
        assertEquals("nine", sidecar.at("/labels/9").asText());
        assertEquals(mean[0], sidecar.at("/input/normalisation_inside_model/mean/0").floatValue());
        assertEquals(0.5, sidecar.at("/measured/test_top1").asDouble());
      }
    }
  }

  @Test
  void labelsThatDoNotFitTheClassifierAreRefused() {
    NetworkDescription net = new RandomNetworks(3).mbconvNet("n", 1, 16, 2, 10);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeployableModel.write(
        dir.resolve("x.tflite"), net, new ModelCard("x", "", List.of("a", "b"), new float[] {0}, new float[] {1},
            "fp32", Map.of())));
    assertTrue(e.getMessage().contains("2 labels for a classifier with 10 outputs"), e.getMessage());
    assertTrue(Files.notExists(dir.resolve("x.tflite")));
  }
}
