package io.hilnat.host.bench;

import ai.djl.ndarray.NDManager;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.data.Batches;
import java.util.ArrayList;
import java.util.List;

/**
 * Top-1 of a deployed model on a test set through an agent, the images fed as an app feeds them: resized as
 * training resized them, then pixel / 255 for a float32 input or the pixels rounded to whole values for a uint8
 * one. The model normalises them itself.
 */
public final class DeployedAccuracy {

  private static final int BATCH = 256;

  private DeployedAccuracy() {}

  public static double topOne(AgentClient agent, String sha, Batches test, int resolution, boolean uint8Input,
      String delegate, NDManager manager) {
    int n = test.set().count();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int channels = test.set().channels();
    int plane = resolution * resolution;
    int correct = 0;
    for (int from = 0; from < n; from += BATCH) {
      int count = Math.min(BATCH, n - from);
      float[] normalised;
      try (NDManager scope = manager.newSubManager()) {
        normalised = test.images(scope, order, from, count, resolution, null).toFloatArray();
      }
      List<float[]> inputs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        float[] nhwc = new float[channels * plane];
        for (int c = 0; c < channels; c++) {
          for (int p = 0; p < plane; p++) {
            // back to the [0, 1] image the app has, before the model's own normalisation
            float v = normalised[(i * channels + c) * plane + p] * test.std() + test.mean();
            nhwc[p * channels + c] = uint8Input ? Math.max(0, Math.min(255, Math.round(v * 255))) : v;
          }
        }
        inputs.add(nhwc);
      }
      List<float[]> logits = agent.infer(sha, inputs, 1, delegate);
      for (int i = 0; i < count; i++) {
        float[] l = logits.get(i);
        int best = 0;
        for (int k = 1; k < l.length; k++) {
          if (l[k] > l[best]) {
            best = k;
          }
        }
        if (best == test.set().labels()[order[from + i]]) {
          correct++;
        }
      }
    }
    return (double) correct / n;
  }
}
