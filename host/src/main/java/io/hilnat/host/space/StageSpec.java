package io.hilnat.host.space;

import io.hilnat.host.net.Activation;

/** One searchable stage: its base output width, first-layer stride, activation and squeeze-excite. */
public record StageSpec(int channels, int stride, Activation.Kind activation, boolean squeezeExcite) {}
