package io.hilnat.host.cli;

import com.google.protobuf.util.JsonFormat;
import io.hilnat.agent.v1.DeviceDescription;
import io.hilnat.host.agentclient.AgentClient;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hilnat agents describe --agent ...}. */
@Command(name = "agents", mixinStandardHelpOptions = true, description = "Work with device agents.",
    subcommands = {AgentsCommand.Describe.class})
public final class AgentsCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "describe", mixinStandardHelpOptions = true, description = "What each agent's device is and can "
      + "measure.")
  static final class Describe implements Callable<Integer> {
    @Mixin AgentOptions agents;

    @Option(names = "--json", description = "print JSON (one object per line)")
    boolean json;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      int failures = 0;
      for (String target : agents.targets()) {
        try (AgentClient client = agents.connect(target)) {
          DeviceDescription d = client.describe();
          if (json) {
            out.println(JsonFormat.printer().omittingInsignificantWhitespace().print(d));
          } else {
            out.printf(Locale.ROOT, "%s%n  device     %s (%s profile)%s%n  runtime    %s %s on %s, delegates %s "
                    + "(default %s)%n  cpu        %d cores, %s %s; %s; governor %s%n  energy     %s%s%n  thermal    "
                    + "%s%n"
                    + "  agent      %s (%s), models up to %d MiB, %d queued; uploads checked in %s%n",
                target, d.getDeviceId(), d.getHardwareProfile(),
                d.getProfileOverride().isEmpty() ? "" : "\n  WARNING    " + d.getProfileOverride(), d.getRuntime(),
                d.getRuntimeVersion(), d.getPlatform(), d.getDelegatesList(), d.getDefaultDelegate(), d.getCpuCores(),
                d.getOs(), d.getArch(), d.getCpuAffinity(), d.getCpuGovernor(),
                d.getEnergyMeter().isEmpty() ? "none: " + d.getEnergyMeterStatus() : d.getEnergyMeter(),
                d.getBatteryStatus().isEmpty() ? "" : "; battery " + d.getBatteryStatus(),
                d.getThermalZonesCount() == 0 ? "no thermal zones" : d.getThermalZonesList(), d.getAgentVersion(),
                d.getProtocolVersion(), d.getMaxModelBytes() >> 20, d.getQueueLength(), d.getModelCheck());
          }
        } catch (RuntimeException e) {
          spec.commandLine().getErr().println("hilnat: " + e.getMessage());
          failures++;
        }
      }
      out.flush();
      return failures == 0 ? 0 : 1;
    }
  }
}
