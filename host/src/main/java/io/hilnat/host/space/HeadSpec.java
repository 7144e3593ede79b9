package io.hilnat.host.space;

import io.hilnat.host.net.Activation;

/**
 * The classifier head as in OFA's MobileNetV3: a 1×1 conv to {@code expandChannels} (BN, activation),
 * global average pool, a 1×1 conv to {@code featureChannels} (no BN, activation), then the classifier.
 */
public record HeadSpec(int expandChannels, int featureChannels, Activation.Kind activation, double dropout) {}
