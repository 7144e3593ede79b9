package io.hilnat.host.job;

import java.nio.file.Path;

/** A process that holds a run folder's lock until it is killed, for the test that kills it. */
public final class RunLockHolder {

  private RunLockHolder() {}

  public static void main(String[] args) throws Exception {
    try (RunLock lock = RunLock.acquire(Path.of(args[0]))) {
      System.out.println("held");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
