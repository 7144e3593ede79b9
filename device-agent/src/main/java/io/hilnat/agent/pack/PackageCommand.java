package io.hilnat.agent.pack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hilnat agent package --target linux-arm64 -o agent.tar.gz}: a board package of this agent. */
@Command(name = "package", mixinStandardHelpOptions = true,
    description = {"Write a board package (Raspberry Pi, Jetson, a Linux PC): a .tar.gz with the agent, its",
        "libraries for one target, a launcher, install.sh and a systemd unit. The board needs only",
        "'sudo apt install openjdk-17-jre-headless'; then: tar xzf FILE && sudo ./hilnat-agent/install.sh"})
public final class PackageCommand implements Callable<Integer> {

  @Option(names = "--target", required = true, description = "linux-arm64 or linux-x86_64")
  String target;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.tar.gz", description = "package to write")
  Path output;

  @Option(names = "--profile", paramLabel = "ID",
      description = "the board's default hardware profile, e.g. raspberry-pi-5 (agent.env's HILNAT_PROFILE wins)")
  String profile;

  @Override
  public Integer call() throws Exception {
    AgentPackage.write(target, output, profile);
    System.out.printf(Locale.ROOT, "wrote %s (%.1f MB, %s)%n", output, Files.size(output) / 1e6, target);
    System.out.println("on the board: tar xzf " + output.getFileName() + " && sudo ./hilnat-agent/install.sh"
        + (profile != null ? " --profile " + profile : ""));
    return 0;
  }
}
