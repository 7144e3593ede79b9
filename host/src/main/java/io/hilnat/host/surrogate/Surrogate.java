package io.hilnat.host.surrogate;

/**
 * Predicts an architecture's accuracy (or error) from its gene vector, so that the evolutionary
 * search in NAT can rank thousands of candidates while only a few hundred are ever evaluated.
 */
public interface Surrogate {

  String name();

  /**
   * Replaces whatever was learnt before.
   *
   * @throws IllegalArgumentException if the rows and targets differ in number, are too few for this
   *     model, differ in length or hold a value that is not finite
   */
  void fit(double[][] x, double[] y);

  /** @throws IllegalStateException before {@link #fit} */
  double predict(double[] x);
}
