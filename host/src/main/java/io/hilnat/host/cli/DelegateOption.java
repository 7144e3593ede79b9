package io.hilnat.host.cli;

import picocli.CommandLine.Option;

/** {@code --delegate NAME}: which of the agents' delegates runs the models. */
public final class DelegateOption {

  @Option(names = "--delegate", defaultValue = "", paramLabel = "NAME",
      description = "cpu (TFLite's builtin kernels), xnnpack, or another delegate the agents list; "
          + "default: each device's profile default")
  String name;
}
