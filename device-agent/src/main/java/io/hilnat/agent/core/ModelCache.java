package io.hilnat.agent.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.nio.file.attribute.FileTime;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Models on disk, keyed by the SHA-256 of their bytes. An upload is written to a temporary file and
 * moved into place only when its size and hash match what the client declared. The models together stay under a
 * size limit: the least recently used go first. One agent per directory: a start removes the partial uploads an
 * agent that died left behind.
 */
public final class ModelCache {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final String PARTIAL = "upload-";

  private final Path directory;
  private final long maxModelBytes;
  private final long maxCacheBytes;

  public ModelCache(Path directory, long maxModelBytes, long maxCacheBytes) throws IOException {
    if (maxCacheBytes < maxModelBytes) {
      throw new IllegalArgumentException("the cache limit (" + (maxCacheBytes >> 20) + " MiB) must hold at least "
          + "one model of the model limit (" + (maxModelBytes >> 20) + " MiB)");
    }
    this.directory = Files.createDirectories(directory);
    this.maxModelBytes = maxModelBytes;
    this.maxCacheBytes = maxCacheBytes;
    try (DirectoryStream<Path> partial = Files.newDirectoryStream(directory, PARTIAL + "*.part")) {
      for (Path p : partial) {
        Files.deleteIfExists(p);
      }
    }
  }

  public long maxModelBytes() {
    return maxModelBytes;
  }

  public boolean contains(String sha256) {
    return isHash(sha256) && Files.isRegularFile(path(sha256));
  }

  /** The cached file; throws NOT_FOUND naming the hash when it was never uploaded. */
  public Path require(String sha256) {
    if (!isHash(sha256)) {
      throw new AgentException(AgentException.Kind.INVALID_ARGUMENT,
          "model hash '" + sha256 + "' is not 64 lowercase hex digits (SHA-256)");
    }
    Path path = path(sha256);
    if (!Files.isRegularFile(path)) {
      throw new AgentException(AgentException.Kind.NOT_FOUND,
          "no model with SHA-256 " + sha256 + " on this agent: upload it first (UploadModel)");
    }
    try {
      // the modification time is the use time eviction goes by (access times are often not kept)
      Files.setLastModifiedTime(path, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException e) {
      // an unrecorded use only makes the model an earlier candidate for eviction
    }
    return path;
  }

  /** Removes the least recently used models until the rest fit the cache limit; {@code keep} stays. */
  private void evict(Path keep) throws IOException {
    List<Path> models = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(directory, "*.tflite")) {
      all.forEach(models::add);
    }
    long total = 0;
    Map<Path, FileTime> used = new HashMap<>();
    for (Path m : models) {
      total += Files.size(m);
      used.put(m, Files.getLastModifiedTime(m));
    }
    models.sort(Comparator.comparing(used::get));
    for (Path m : models) {
      if (total <= maxCacheBytes) {
        return;
      }
      if (!m.equals(keep)) {
        total -= Files.size(m);
        Files.deleteIfExists(m);
      }
    }
  }

  public static boolean isHash(String s) {
    return s != null && SHA256.matcher(s).matches();
  }

  private Path path(String sha256) {
    return directory.resolve(sha256 + ".tflite");
  }

  /** Starts an upload of {@code declaredSize} bytes with the declared hash. */
  public Upload begin(String declaredSha256, long declaredSize) throws IOException {
    if (!isHash(declaredSha256)) {
      throw new AgentException(AgentException.Kind.INVALID_ARGUMENT,
          "declared hash '" + declaredSha256 + "' is not 64 lowercase hex digits (SHA-256)");
    }
    if (declaredSize <= 0) {
      throw new AgentException(AgentException.Kind.INVALID_ARGUMENT,
          "declared model size must be positive, got " + declaredSize);
    }
    checkLimit(declaredSize);
    return new Upload(declaredSha256, declaredSize);
  }

  private void checkLimit(long size) {
    if (size > maxModelBytes) {
      throw new AgentException(AgentException.Kind.RESOURCE_EXHAUSTED,
          "model of " + size + " bytes is over this agent's limit of " + maxModelBytes
              + " bytes; restart the agent with a larger --max-model-mb");
    }
  }

  /** One upload in progress. Not thread-safe (one stream writes it). */
  public final class Upload implements AutoCloseable {
    private final String declaredSha256;
    private final long declaredSize;
    private final Path temp;
    private final OutputStream out;
    private final MessageDigest digest;
    private long received;
    private boolean done;

    private Upload(String declaredSha256, long declaredSize) throws IOException {
      this.declaredSha256 = declaredSha256;
      this.declaredSize = declaredSize;
      this.temp = Files.createTempFile(directory, PARTIAL, ".part");
      this.out = Files.newOutputStream(temp);
      try {
        this.digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    public void write(byte[] data) throws IOException {
      received += data.length;
      if (received > declaredSize) {
        checkLimit(received);
        throw new AgentException(AgentException.Kind.INVALID_ARGUMENT,
            "received more than the declared " + declaredSize + " bytes");
      }
      digest.update(data);
      out.write(data);
    }

    /** Verifies size and hash and returns the temporary file, still outside the cache. */
    public Path finish() throws IOException {
      out.close();
      if (received != declaredSize) {
        throw new AgentException(AgentException.Kind.INVALID_ARGUMENT,
            "upload ended after " + received + " of the declared " + declaredSize + " bytes");
      }
      String actual = Hex.of(digest.digest());
      if (!actual.equals(declaredSha256)) {
        throw new AgentException(AgentException.Kind.INVALID_ARGUMENT,
            "SHA-256 of the received bytes is " + actual + ", not the declared " + declaredSha256);
      }
      return temp;
    }

    /** Moves the verified file into the cache. */
    public void commit() throws IOException {
      Path model = path(declaredSha256);
      Files.move(temp, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      done = true;
      synchronized (ModelCache.this) {
        evict(model);
      }
    }

    @Override
    public void close() throws IOException {
      out.close();
      if (!done) {
        Files.deleteIfExists(temp);
      }
    }
  }
}
