package io.hilnat.host.cli;

import io.hilnat.host.android.PhoneAgent;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hilnat agent android}: run a device agent on a device this computer drives. */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Run a device agent on an attached device.",
    subcommands = {AgentCommand.Android.class})
public final class AgentCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "android", mixinStandardHelpOptions = true, description = {
      "Run the agent on an Android phone over adb until Ctrl-C: nothing is installed on the phone (it needs USB "
          + "debugging on); a local port leads to the agent.",
      "Other commands start one themselves with --agent adb:SERIAL (adb: for the only attached phone)."})
  static final class Android implements Callable<Integer> {
    @Option(names = "--serial", paramLabel = "S",
        description = "the phone, as `adb devices` lists it (default: the only attached one)")
    String serial;

    @Option(names = "--port", paramLabel = "P", defaultValue = "0",
        description = "local port forwarded to the agent (default ${DEFAULT-VALUE}: any free one)")
    int port;

    @Option(names = "--profile", paramLabel = "ID|FILE", description = "hardware profile: a built-in id or a YAML "
        + "file of this machine, e.g. a copy of hardware-profiles/android-arm64.yaml naming your phone's big cores "
        + "(default: android-arm64)")
    String profile;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port " + port + " is not a port: 0 (any free one) to 65535");
      }
      try (PhoneAgent agent = PhoneAgent.start(serial, port, profile)) {
        String model = agent.device().getprop("ro.product.model");
        PrintWriter out = spec.commandLine().getOut();
        out.printf("hilnat: phone agent for %s%s at %s; Ctrl-C stops it%n", agent.serial(),
            model.isEmpty() ? "" : " (" + model + ")", agent.target());
        out.flush();
        agent.awaitExit();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // asked to stop: the agent is closed, which is all there is to do
      }
      return 0;
    }
  }
}
