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
 * @param timeLimitMinutes when above 0, no iteration starts unless the run's process would, at the last iteration's
 *     pace, still finish it, the final stage and the fine-tune within so many minutes of its start; the search then
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
public record SearchOptions(String space, String data, String supernet, int warmupSteps, double warmupMinutes, double timeLimitMinutes, int batch,
    Boolean augment, Integer randomSubnets, List<String> objectives, List<String> constraints, List<String> agents, int initialSamples, int iterations,
    int candidates, int population, int generations, int adaptSteps, int adaptSubnets, Double adaptLr, int validationImages,
    int calibrationImages, int benchmarkRuns, int exportTop, double fineTuneMinutes, boolean ssl, double labels, String latencyTables, int proxyPool,
    int ntkImages, int regionInputs, long seed, String delegate, String precision, String agentTokenFile,
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
}
