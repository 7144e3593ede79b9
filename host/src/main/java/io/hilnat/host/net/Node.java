package io.hilnat.host.net;

/**
 * One operation of an engine-free network description. Tensors are NCHW on the host side;
 * padding is PyTorch-style symmetric (kernel / 2 on each side), which exporters must reproduce.
 */
public sealed interface Node
    permits Conv2d, BatchNorm, Activation, SqueezeExcite, Residual, GlobalAvgPool, Dense {}
