package io.hilnat.host.space;

/** One active MBConv layer of a subnet: its depthwise kernel size and expand ratio. */
public record Layer(int kernel, int expand) {}
