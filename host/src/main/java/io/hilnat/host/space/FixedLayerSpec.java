package io.hilnat.host.space;

import io.hilnat.host.net.Activation;

/** A layer that is not searched (the stem conv, the first MBConv block). */
public record FixedLayerSpec(
    int channels, int stride, int kernel, int expand, Activation.Kind activation, boolean squeezeExcite) {}
