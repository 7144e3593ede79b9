package io.hilnat.agent.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * Models on disk, keyed by the SHA-256 of their bytes. An upload is written to a temporary file and
 * moved into place only when its size and hash match what the client declared.
 */
public final class ModelCache {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Path directory;
  private final long maxModelBytes;

  public ModelCache(Path directory, long maxModelBytes) throws IOException {
    this.directory = Files.createDirectories(directory);
    this.maxModelBytes = maxModelBytes;
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
    return path;
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
      this.temp = Files.createTempFile(directory, "upload-", ".part");
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
      Files.move(temp, path(declaredSha256), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      done = true;
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
