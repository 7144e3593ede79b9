package io.hilnat.host.surrogate;

import java.util.Random;

/**
 * One-hidden-layer tanh network, the predictor the original NAT paper's MLP option uses: it captures
 * smooth gene interactions with few parameters. Full-batch Adam from a seeded initialisation makes
 * training deterministic, so a NAT run can be repeated exactly.
 */
public final class MlpSurrogate implements Surrogate {

  private static final int DEFAULT_HIDDEN = 32;
  private static final int DEFAULT_EPOCHS = 500;
  private static final double LEARNING_RATE = 1e-2;
  private static final double L2 = 1e-4;
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private final long seed;
  private final int hidden;
  private final int epochs;
  private Scaling scaling;
  /** Hidden weights (hidden × inputs), hidden biases, output weights, output bias: one vector for Adam. */
  private double[] params;

  public MlpSurrogate(long seed) {
    this(seed, DEFAULT_HIDDEN, DEFAULT_EPOCHS);
  }

  public MlpSurrogate(long seed, int hidden, int epochs) {
    if (hidden < 1 || epochs < 1) {
      throw new IllegalArgumentException("hidden units and epochs must be positive, got " + hidden + " and " + epochs);
    }
    this.seed = seed;
    this.hidden = hidden;
    this.epochs = epochs;
  }

  @Override
  public String name() {
    return "mlp";
  }

  @Override
  public void fit(double[][] x, double[] y) {
    Scaling s = Scaling.fit(x, y, 2);
    double[][] z = s.features(x);
    double[] t = s.targets(y);
    int k = s.features();
    int n = z.length;
    int hiddenBias = hidden * k;
    int outWeights = hiddenBias + hidden;
    int outBias = outWeights + hidden;
    double[] p = new double[outBias + 1];
    Random random = new Random(seed);
    double inLimit = Math.sqrt(6.0 / (k + hidden));
    double outLimit = Math.sqrt(6.0 / (hidden + 1));
    for (int i = 0; i < hiddenBias; i++) {
      p[i] = (2 * random.nextDouble() - 1) * inLimit;
    }
    for (int h = 0; h < hidden; h++) {
      p[outWeights + h] = (2 * random.nextDouble() - 1) * outLimit;
    }
    double[] m = new double[p.length];
    double[] v = new double[p.length];
    double[] grad = new double[p.length];
    double[] activation = new double[hidden];
    for (int epoch = 1; epoch <= epochs; epoch++) {
      for (int i = 0; i < hiddenBias; i++) {
        grad[i] = L2 * p[i];
      }
      for (int h = 0; h < hidden; h++) {
        grad[hiddenBias + h] = 0;
        grad[outWeights + h] = L2 * p[outWeights + h];
      }
      grad[outBias] = 0;
      for (int r = 0; r < n; r++) {
        double out = p[outBias];
        for (int h = 0; h < hidden; h++) {
          double a = p[hiddenBias + h];
          for (int c = 0; c < k; c++) {
            a += p[h * k + c] * z[r][c];
          }
          activation[h] = Math.tanh(a);
          out += p[outWeights + h] * activation[h];
        }
        double error = (out - t[r]) / n;
        grad[outBias] += error;
        for (int h = 0; h < hidden; h++) {
          grad[outWeights + h] += error * activation[h];
          double back = error * p[outWeights + h] * (1 - activation[h] * activation[h]);
          grad[hiddenBias + h] += back;
          for (int c = 0; c < k; c++) {
            grad[h * k + c] += back * z[r][c];
          }
        }
      }
      double correction1 = 1 - Math.pow(BETA1, epoch);
      double correction2 = 1 - Math.pow(BETA2, epoch);
      for (int i = 0; i < p.length; i++) {
        m[i] = BETA1 * m[i] + (1 - BETA1) * grad[i];
        v[i] = BETA2 * v[i] + (1 - BETA2) * grad[i] * grad[i];
        p[i] -= LEARNING_RATE * (m[i] / correction1) / (Math.sqrt(v[i] / correction2) + EPSILON);
      }
    }
    params = p;
    scaling = s;
  }

  @Override
  public double predict(double[] x) {
    Scaling s = Scaling.fitted(scaling);
    double[] z = s.features(x);
    int inputs = z.length;
    int hiddenBias = hidden * inputs;
    int outWeights = hiddenBias + hidden;
    double out = params[outWeights + hidden];
    for (int h = 0; h < hidden; h++) {
      double a = params[hiddenBias + h];
      for (int c = 0; c < inputs; c++) {
        a += params[h * inputs + c] * z[c];
      }
      out += params[outWeights + h] * Math.tanh(a);
    }
    return s.target(out);
  }
}
