package io.hilnat.agent.android;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads TensorFlow Lite's JNI libraries from the folder the launcher pushed them to. An app would have them
 * unpacked by the package manager; a process started by {@code app_process} has no such folder, and JavaCPP's
 * own loader would look for them inside the jar, where a dex jar cannot keep them usable.
 */
final class NativeLibraries {

  /** In dependency order: TFLite's JNI library calls into JavaCPP's. */
  static final String[] FILES = {"libjnijavacpp.so", "libjnitensorflowlite.so"};

  private NativeLibraries() {}

  static void load(Path folder) {
    for (String name : FILES) {
      if (!Files.isRegularFile(folder.resolve(name))) {
        throw new IllegalStateException(folder.resolve(name) + " is missing: push the bundle's lib/ folder there "
            + "(hilnat agent android does) or give lib=FOLDER");
      }
    }
    // JavaCPP must not look for them itself: they are loaded here, by absolute path, which Android permits under /data
    System.setProperty("org.bytedeco.javacpp.loadlibraries", "false");
    for (String name : FILES) {
      System.load(folder.resolve(name).toAbsolutePath().toString());
    }
  }
}
