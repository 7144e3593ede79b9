package io.hilnat.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {

  @TempDir Path dir;

  @Test
  void partialUploadsLeftByADeadAgentAreRemovedAtStart() throws Exception {
    Path partial = Files.writeString(dir.resolve("upload-123.part"), "half a model");
    Path kept = Files.writeString(dir.resolve("notes.txt"), "not ours");
    new ModelCache(dir, 1000, 1000);
    assertFalse(Files.exists(partial));
    assertTrue(Files.exists(kept));
  }

  @Test
  void theLeastRecentlyUsedModelsGoWhenTheCacheIsFull() throws Exception {
    ModelCache cache = new ModelCache(dir, 100, 250);
    String a = put(cache, 'a');
    String b = put(cache, 'b');
    // b is used more recently than a, then a third model needs the room
    Files.setLastModifiedTime(cache.require(a), FileTime.fromMillis(1_000));
    Files.setLastModifiedTime(cache.require(b), FileTime.fromMillis(2_000));
    String c = put(cache, 'c');
    assertFalse(cache.contains(a), "the least recently used model is evicted");
    assertTrue(cache.contains(b));
    assertTrue(cache.contains(c), "the model just uploaded stays");
  }

  @Test
  void aCacheSmallerThanOneModelIsRefused() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ModelCache(dir, 2 << 20, 1 << 20))
        .getMessage().contains("must hold at least one model"));
  }

  private static String put(ModelCache cache, char fill) throws Exception {
    byte[] bytes = String.valueOf(fill).repeat(100).getBytes();
    String sha = Hex.of(MessageDigest.getInstance("SHA-256").digest(bytes));
    try (ModelCache.Upload upload = cache.begin(sha, bytes.length)) {
      upload.write(bytes);
      upload.finish();
      upload.commit();
    }
    assertEquals(sha, sha.toLowerCase());
    return sha;
  }
}
