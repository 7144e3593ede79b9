package io.hilnat.host.net;

/** Mean over the spatial axes; the output keeps 1×1 spatial size so 1×1 convs may follow. */
public record GlobalAvgPool() implements Node {}
