package io.hilnat.host.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files PyTorch itself wrote ({@code scripts/make-torch-fixtures.py}, PyTorch 1.13) read in both torch.save formats,
 * and what a user may hand the importer by mistake refused with a message that says what it is.
 */
class TorchCheckpointTest {

  @TempDir Path dir;

  static Path resource(String name) {
    return Path.of("src/test/resources/torch", name);
  }

  @Test
  void legacyAndZipFormatsGiveTheSameTensors() throws IOException {
    Map<String, TorchTensor> legacy = TorchCheckpoint.stateDict(resource("tensors-legacy.pt"));
    Map<String, TorchTensor> zip = TorchCheckpoint.stateDict(resource("tensors-zip.pt"));
    assertEquals(legacy.keySet(), zip.keySet());
    for (String key : legacy.keySet()) {
      assertEquals(legacy.get(key).dtype(), zip.get(key).dtype(), key);
      assertArrayEquals(legacy.get(key).shape(), zip.get(key).shape(), key);
      assertArrayEquals(legacy.get(key).values(), zip.get(key).values(), key);
    }
    // torch.arange(12).view(3, 4) * 0.5 - 1, transposed: strides (1, 4) read as row-major [4, 3]
    assertArrayEquals(new float[] {-1f, 1f, 3f, -0.5f, 1.5f, 3.5f, 0f, 2f, 4f, 0.5f, 2.5f, 4.5f},
        legacy.get("transposed").values());
    assertArrayEquals(new long[] {4, 3}, legacy.get("transposed").shape());
    assertArrayEquals(new float[] {3f, 4f, 5f, 6f}, legacy.get("slice").values(), "a storage offset of 3");
    assertArrayEquals(new float[] {1.5f, -2f, 0.25f, 65504f}, legacy.get("half").values());
    assertArrayEquals(new float[] {1e-3f, 2f}, legacy.get("double").values());
    assertArrayEquals(new float[] {3.25f}, legacy.get("scalar").values());
    assertEquals(0, legacy.get("scalar").shape().length);
    assertEquals("int64", legacy.get("count").dtype());
    assertNull(legacy.get("count").values(), "integer tensors keep no values");
  }

  @Test
  void torchScriptAndOtherFamiliesAreRefusedByName() {
    String script = assertThrows(TorchCheckpoint.CheckpointException.class,
        () -> TorchCheckpoint.stateDict(resource("torchscript.pt"))).getMessage();
    assertTrue(script.contains("TorchScript") && script.contains("torch.save"), script);
    String resnet = assertThrows(OfaImport.ImportException.class, () -> OfaImport.checkFamily("r",
        TorchCheckpoint.stateDict(resource("ofa-resnet-keys.pt")).keySet())).getMessage();
    assertTrue(resnet.contains("ResNet"), resnet);
    String proxyless = assertThrows(OfaImport.ImportException.class, () -> OfaImport.checkFamily("p",
        TorchCheckpoint.stateDict(resource("ofa-proxyless-keys.pt")).keySet())).getMessage();
    assertTrue(proxyless.contains("ProxylessNAS"), proxyless);
  }

  @Test
  void truncatedAndForeignFilesSayWhatIsWrong() throws IOException {
    byte[] legacy = Files.readAllBytes(resource("tensors-legacy.pt"));
    for (int cut : new int[] {3, legacy.length / 2, legacy.length - 5}) {
      Path truncated = dir.resolve("legacy-" + cut + ".pt");
      Files.write(truncated, Arrays.copyOf(legacy, cut));
      String message = assertThrows(TorchCheckpoint.CheckpointException.class,
          () -> TorchCheckpoint.stateDict(truncated)).getMessage();
      assertTrue(message.contains("truncated"), cut + " bytes: " + message);
    }
    byte[] zip = Files.readAllBytes(resource("tensors-zip.pt"));
    Path truncatedZip = dir.resolve("zip.pt");
    Files.write(truncatedZip, Arrays.copyOf(zip, zip.length - 100));
    String message = assertThrows(TorchCheckpoint.CheckpointException.class,
        () -> TorchCheckpoint.stateDict(truncatedZip)).getMessage();
    assertTrue(message.contains("truncated"), message);

    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "{\"state_dict\": {}}\n");
    message = assertThrows(TorchCheckpoint.CheckpointException.class, () -> TorchCheckpoint.stateDict(text))
        .getMessage();
    assertTrue(message.contains("not a readable torch.save file"), message);
  }

  @Test
  void failedImportsLeaveNothingInOut() {
    for (String file : new String[] {"torchscript.pt", "ofa-resnet-keys.pt", "tensors-zip.pt"}) {
      Path out = dir.resolve("out-" + file);
      io.hilnat.host.cli.HostCli.Run run = io.hilnat.host.cli.HostCli.run("supernet", "import-ofa", resource(file)
          .toString(), "--out",
          out.toString());
      assertEquals(2, run.code(), file);
      assertTrue(run.err().startsWith("hilnat: "), run.err());
      assertFalse(Files.exists(out), file + " left " + out);
    }
    try (var entries = Files.list(dir)) {
      assertTrue(entries.noneMatch(p -> p.getFileName().toString().contains(".importing-")));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
