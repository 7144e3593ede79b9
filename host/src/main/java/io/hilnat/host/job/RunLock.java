package io.hilnat.host.job;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One search process per run folder: two resuming the same folder would interleave their evaluations and
 * checkpoints. An OS file lock, so a process killed with SIGKILL leaves no stale lock behind; the file names the
 * holder for the refusal.
 */
final class RunLock implements AutoCloseable {

  static final String FILE = "search.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static RunLock acquire(Path run) throws IOException {
    Files.createDirectories(run);
    Path file = run.resolve(FILE);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very process
    }
    if (lock == null) {
      String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
      channel.close();
      throw new IllegalStateException("run folder " + run + " is in use by another search (" + (holder.isEmpty()
          ? "its process has not said which" : holder) + "): wait for it to end or stop it, then resume");
    }
    String holder = "process " + ProcessHandle.current().pid() + " on " + InetAddress.getLocalHost().getHostName()
        + " since " + Instant.now();
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(true);
    return new RunLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
