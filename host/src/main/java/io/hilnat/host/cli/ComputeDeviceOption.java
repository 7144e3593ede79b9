package io.hilnat.host.cli;

import io.hilnat.host.engine.ComputeDevice;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --device} for the commands that train or run supernets on the host. */
public final class ComputeDeviceOption {

  @Option(names = "--device", defaultValue = "${env:HILNAT_DEVICE:-auto}", paramLabel = "DEVICE",
      description = {"host device for supernets: " + ComputeDevice.FORMS + " (default ${DEFAULT-VALUE};",
          "env HILNAT_DEVICE); ./hilnat doctor says which the engine sees"})
  void device(String device) {
    try {
      ComputeDevice.use(device);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage());
    }
  }

  @Spec(Spec.Target.MIXEE) CommandSpec command;
}
