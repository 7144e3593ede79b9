package io.hilnat.agent.runtime;

import java.nio.file.Path;

/**
 * Loads the model with each delegate and runs it once on seeded values in [0, 1), in this process. A model
 * that crashes the native runtime takes the process with it, so the agent runs this in a child process
 * ({@link ChildProcessModelChecker}); in-process is for that child and for runtimes without processes.
 */
public final class InProcessModelChecker implements ModelChecker {

  private final ModelRuntime runtime;

  public InProcessModelChecker(ModelRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public void check(Path model) throws ModelLoadException {
    for (String delegate : runtime.delegates()) {
      try (LoadedModel loaded = runtime.load(model, RunOptions.of(1, delegate))) {
        TensorSpec input = loaded.inputs().get(0);
        loaded.setInput(input.randomValues(input.elements()));
        loaded.invoke();
        loaded.output();
      } catch (RuntimeException e) {
        throw new ModelLoadException("its first inference with delegate " + delegate + " failed: " + e.getMessage());
      }
    }
  }

  @Override
  public String describe() {
    return "in process: loaded and run once with each delegate";
  }

  @Override
  public void close() {}
}
