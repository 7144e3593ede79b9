package io.hilnat.host.supernet.training;

import io.hilnat.host.engine.ComputeDevice;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trainer's own arrays ({@link Trainer#state()}) beside a supernet checkpoint, {@code trainer.ndlist}: written
 * with every checkpoint, read back when training resumes from one. A checkpoint without it (older runs) resumes with
 * fresh momentum, as before.
 */
public final class TrainerState {

  static final String FILE = "trainer.ndlist";
  static final String MOMENTUM = "momentum/";
  static final String HEAD = "head/";

  private TrainerState() {}

  public static void save(Trainer trainer, Path dir) throws IOException {
    Map<String, NDArray> state = trainer.state();
    if (state.isEmpty()) {
      return;
    }
    NDList list = new NDList();
    state.forEach((name, array) -> {
      array.setName(name);
      list.add(array);
    });
    Path tmp = dir.resolve(FILE + ".tmp");
    Files.write(tmp, list.encode());
    Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** What {@link #save} wrote in {@code dir}, by name, in {@code manager}; empty when it wrote nothing there. */
  public static Map<String, NDArray> read(Path dir, NDManager manager) throws IOException {
    Path file = dir.resolve(FILE);
    Map<String, NDArray> saved = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return saved;
    }
    try {
      for (NDArray array : NDList.decode(manager, Files.readAllBytes(file))) {
        saved.put(array.getName(), array);
      }
    } catch (RuntimeException e) {
      throw new IOException(file + " is not a trainer state hilnat wrote (" + e.getMessage() + "): delete it to "
          + "resume with fresh momentum", e);
    }
    return saved;
  }

  /** Restores {@code trainer} from {@code dir} when a state was saved there (the trainer copies what it keeps). */
  public static void restore(Trainer trainer, Path dir) throws IOException {
    try (NDManager scope = ComputeDevice.newManager()) {
      Map<String, NDArray> saved = read(dir, scope);
      if (!saved.isEmpty()) {
        trainer.restore(saved);
      }
    }
  }

  static Map<String, NDArray> prefixed(String prefix, Map<String, NDArray> arrays) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    arrays.forEach((name, array) -> out.put(prefix + name, array));
    return out;
  }

  static Map<String, NDArray> unprefixed(String prefix, Map<String, NDArray> arrays) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    arrays.forEach((name, array) -> {
      if (name.startsWith(prefix)) {
        out.put(name.substring(prefix.length()), array);
      }
    });
    return out;
  }
}
