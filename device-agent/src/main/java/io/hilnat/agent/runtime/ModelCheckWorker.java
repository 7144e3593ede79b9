package io.hilnat.agent.runtime;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child of {@link ChildProcessModelChecker}: reads model paths on stdin, answers {@code ok} or
 * {@code rejected<TAB>reason} on stdout, and marks the end of each model's stderr so the parent knows which
 * of TFLite's messages belong to it.
 */
public final class ModelCheckWorker {

  private ModelCheckWorker() {}

  public static void main(String[] args) throws Exception {
    serve(new TfliteRuntime());
  }

  /** The loop, for a launcher that first has to load the runtime's natives its own way. */
  public static void serve(ModelRuntime runtime) throws Exception {
    InProcessModelChecker checker = new InProcessModelChecker(runtime);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String answer;
      try {
        checker.check(Path.of(line));
        answer = "ok";
      } catch (ModelLoadException | RuntimeException e) {
        answer = "rejected\t" + String.valueOf(e.getMessage()).replace('\n', ' ');
      }
      System.err.println(ChildProcessModelChecker.DONE);
      System.err.flush();
      System.out.println(answer);
      System.out.flush();
    }
  }
}
