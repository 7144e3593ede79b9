package io.hilnat.host.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetSpecTest {

  @TempDir Path dir;

  @Test
  void parsesEachForm() {
    assertEquals(new DatasetSpec("fashion-mnist", FashionMnist.DEBIAN_DIR, 28, 1), DatasetSpec.parse("fashion-mnist"));
    assertEquals(Path.of("/d"), DatasetSpec.parse("fashion-mnist:/d").location());
    assertEquals("mnist", DatasetSpec.parse("mnist:/m").kind());
    assertEquals(new DatasetSpec("cifar10", Path.of("/c"), 32, 3), DatasetSpec.parse("cifar10:/c"));
    assertEquals("cifar100", DatasetSpec.parse("cifar-100:/c").kind());
    assertEquals("cifar100-coarse", DatasetSpec.parse("cifar100-coarse:/c").kind());
    assertEquals(new DatasetSpec("folder", Path.of("/f"), 64, 3), DatasetSpec.parse("folder:/f"));
    assertEquals(new DatasetSpec("folder", Path.of("/f"), 48, 1), DatasetSpec.parse("folder:/f?size=48&channels=1"));
    for (String bad : new String[] {"imagenet", "cifar10", "folder:/f?size=x", "folder:/f?colour=2", ""}) {
      DatasetException e = assertThrows(DatasetException.class, () -> DatasetSpec.parse(bad));
      assertTrue(e.getMessage().contains("cifar10:DIR") || e.getMessage().contains("size"), e.getMessage());
    }
  }

  @Test
  void loadsFashionMnistAndFoldersThroughTheSpec() throws Exception {
    assertEquals(60000, Datasets.load("fashion-mnist").train().count()); // the CLI's older entry point
    Path root = dir.resolve("set");
    for (String split : new String[] {"train", "test"}) {
      for (String c : new String[] {"a", "b"}) {
        Files.createDirectories(root.resolve(split).resolve(c));
        ImageIO.write(ImageFolderTest.gray(10, 12, 9), "png", root.resolve(split + "/" + c + "/1.png").toFile());
      }
    }
    TrainTest t = DatasetSpec.parse("folder:" + root + "?size=16&channels=1").load();
    assertEquals(2, t.train().size());
    assertEquals(2, t.test().size());
    assertEquals(16, t.test().height());
    Files.createDirectories(root.resolve("test/c"));
    ImageIO.write(ImageFolderTest.gray(10, 12, 9), "png", root.resolve("test/c/1.png").toFile());
    DatasetException e = assertThrows(DatasetException.class, () -> DatasetSpec.parse("folder:" + root).load());
    assertTrue(e.getMessage().contains(root.resolve("test").toString()), e.getMessage());
  }
}
