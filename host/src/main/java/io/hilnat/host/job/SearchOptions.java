package io.hilnat.host.job;

import io.hilnat.host.export.Precision;
import java.util.List;

/**
 * Everything that defines a search run; stored in the run's database so {@code --resume} continues
 * with exactly the settings it started with.
 *
 * @param supernet a trained supernet folder to start from, or null to warm one up here
 * @param warmupSteps sandwich steps of that warm-up, unless {@code warmupMinutes} is set
 * @param warmupMinutes when above 0, the warm-up lasts about so many minutes: its length in steps is sized from the
 *     pace of its first steps (and stored, so a resumed run keeps it)
 * @param agents agents as 'HOST:PORT [KIND]' or 'adb:[SERIAL] [KIND]', kept so: a resumed search starts the
 *     phones' agents again; empty starts a local agent on 127.0.0.1
 * @param fineTuneMinutes when above 0, the front's most accurate subnet is fine-tuned alone for about so many minutes
 *     at the end (on the labelled share when {@code ssl}) and exported as well
 * @param timeLimitMinutes when above 0, no iteration starts unless the run would, at the last iteration's pace and
 *     with the final stage's cost guessed by {@code FinalStageBudget}, still finish it, the final stage and the
 *     fine-tune within so many minutes of its start (earlier processes of a resumed run included); the search then
 *     ends early
 * @param augment random shifts of the images in supervised warm-up and adaptation
 * @param randomSubnets random subnets per warm-up step besides the largest and smallest
 * @param adaptLr peak learning rate of each iteration's adaptation
 * @param ssl adapt the supernet with a contrastive loss and no labels; score subnets by k-NN on the labelled share
 * @param labels share of the training labels a self-supervised search may use (1.0 otherwise)
 * @param latencyTables a latency-table database ({@code lut build}) whose tables join the latency surrogates, or null
 * @param proxyPool seed the initial archive with the TE-NAS proxies' best of so many random subnets; 0: at random
 * @param ntkImages training images in the NTK of a subnet's condition number (a batch: cost grows with its square)
 * @param regionInputs points on the segment whose linear regions are counted
 * @param insecureToken send the agents' token over plaintext to agents beyond loopback (no {@code agentTrustCert})
 */
public record SearchOptions(String space, String data, String supernet, int warmupSteps, double warmupMinutes,
    double timeLimitMinutes, int batch, Boolean augment, Integer randomSubnets, List<String> objectives,
    List<String> constraints, List<String> agents, int initialSamples, int iterations, int candidates, int population,
    int generations, int adaptSteps, int adaptSubnets, Double adaptLr, int validationImages, int calibrationImages,
    int benchmarkRuns, int exportTop, double fineTuneMinutes, boolean ssl, double labels, String latencyTables,
    int proxyPool, int ntkImages, int regionInputs, long seed, String delegate, String precision, String agentTokenFile,
    String agentTrustCert, boolean insecureToken) {

  /** TE-NAS's proxies as a search computes them unless told otherwise (runs stored before these options: 0). */
  public static final int NTK_IMAGES = 16;
  public static final int REGION_INPUTS = 400;
  public static final int RANDOM_SUBNETS = 1;
  /** Peak learning rate of each iteration's adaptation (cosine to zero over its steps). */
  public static final double ADAPT_LR = 0.02;

  public SearchOptions {
    // runs stored before these options augmented and warmed up with one random subnet a step
    augment = augment == null || augment;
    randomSubnets = randomSubnets == null ? RANDOM_SUBNETS : randomSubnets;
    adaptLr = adaptLr == null ? ADAPT_LR : adaptLr;
    ntkImages = ntkImages == 0 ? NTK_IMAGES : ntkImages;
    regionInputs = regionInputs == 0 ? REGION_INPUTS : regionInputs;
    // null: each device's own default (its profile's delegate), as runs stored before this option measured
    delegate = delegate == null || delegate.isEmpty() ? null : delegate;
    precision = Precision.of(precision);
  }

  /**
   * Options built by name, from the command line's defaults:
   * {@code SearchOptions.builder().space("small-mbv3")...build()}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@link SearchOptions} by name; every setter's default is {@code hilnat search}'s. */
  public static final class Builder {
    private String space = "tiny-mbv3";
    private String data = "fashion-mnist";
    private String supernet = null;
    private int warmupSteps = 300;
    private double warmupMinutes = 0;
    private double timeLimitMinutes = 0;
    private int batch = 128;
    private Boolean augment = true;
    private Integer randomSubnets = RANDOM_SUBNETS;
    private List<String> objectives = List.of("error", "latency");
    private List<String> constraints = List.of();
    private List<String> agents = List.of();
    private int initialSamples = 16;
    private int iterations = 4;
    private int candidates = 6;
    private int population = 100;
    private int generations = 20;
    private int adaptSteps = 25;
    private int adaptSubnets = 2;
    private Double adaptLr = ADAPT_LR;
    private int validationImages = 1000;
    private int calibrationImages = 480;
    private int benchmarkRuns = 30;
    private int exportTop = 5;
    private double fineTuneMinutes = 0;
    private boolean ssl = false;
    private double labels = 1.0;
    private String latencyTables = null;
    private int proxyPool = 0;
    private int ntkImages = NTK_IMAGES;
    private int regionInputs = REGION_INPUTS;
    private long seed = 1;
    private String delegate = null;
    private String precision = "fp32";
    private String agentTokenFile = null;
    private String agentTrustCert = null;
    private boolean insecureToken = false;

    private Builder() {}

    public Builder space(String value) {
      space = value;
      return this;
    }

    public Builder data(String value) {
      data = value;
      return this;
    }

    public Builder supernet(String value) {
      supernet = value;
      return this;
    }

    public Builder warmupSteps(int value) {
      warmupSteps = value;
      return this;
    }

    public Builder warmupMinutes(double value) {
      warmupMinutes = value;
      return this;
    }

    public Builder timeLimitMinutes(double value) {
      timeLimitMinutes = value;
      return this;
    }

    public Builder batch(int value) {
      batch = value;
      return this;
    }

    public Builder augment(Boolean value) {
      augment = value;
      return this;
    }

    public Builder randomSubnets(Integer value) {
      randomSubnets = value;
      return this;
    }

    public Builder objectives(List<String> value) {
      objectives = value;
      return this;
    }

    public Builder constraints(List<String> value) {
      constraints = value;
      return this;
    }

    public Builder agents(List<String> value) {
      agents = value;
      return this;
    }

    public Builder initialSamples(int value) {
      initialSamples = value;
      return this;
    }

    public Builder iterations(int value) {
      iterations = value;
      return this;
    }

    public Builder candidates(int value) {
      candidates = value;
      return this;
    }

    public Builder population(int value) {
      population = value;
      return this;
    }

    public Builder generations(int value) {
      generations = value;
      return this;
    }

    public Builder adaptSteps(int value) {
      adaptSteps = value;
      return this;
    }

    public Builder adaptSubnets(int value) {
      adaptSubnets = value;
      return this;
    }

    public Builder adaptLr(Double value) {
      adaptLr = value;
      return this;
    }

    public Builder validationImages(int value) {
      validationImages = value;
      return this;
    }

    public Builder calibrationImages(int value) {
      calibrationImages = value;
      return this;
    }

    public Builder benchmarkRuns(int value) {
      benchmarkRuns = value;
      return this;
    }

    public Builder exportTop(int value) {
      exportTop = value;
      return this;
    }

    public Builder fineTuneMinutes(double value) {
      fineTuneMinutes = value;
      return this;
    }

    public Builder ssl(boolean value) {
      ssl = value;
      return this;
    }

    public Builder labels(double value) {
      labels = value;
      return this;
    }

    public Builder latencyTables(String value) {
      latencyTables = value;
      return this;
    }

    public Builder proxyPool(int value) {
      proxyPool = value;
      return this;
    }

    public Builder ntkImages(int value) {
      ntkImages = value;
      return this;
    }

    public Builder regionInputs(int value) {
      regionInputs = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder delegate(String value) {
      delegate = value;
      return this;
    }

    public Builder precision(String value) {
      precision = value;
      return this;
    }

    public Builder agentTokenFile(String value) {
      agentTokenFile = value;
      return this;
    }

    public Builder agentTrustCert(String value) {
      agentTrustCert = value;
      return this;
    }

    public Builder insecureToken(boolean value) {
      insecureToken = value;
      return this;
    }

    public SearchOptions build() {
      return new SearchOptions(space, data, supernet, warmupSteps, warmupMinutes, timeLimitMinutes, batch, augment,
          randomSubnets,
          objectives, constraints, agents, initialSamples, iterations, candidates, population, generations,
          adaptSteps, adaptSubnets, adaptLr, validationImages, calibrationImages, benchmarkRuns, exportTop,
          fineTuneMinutes, ssl, labels, latencyTables, proxyPool, ntkImages, regionInputs, seed, delegate,
          precision, agentTokenFile, agentTrustCert, insecureToken);
    }
  }
}
