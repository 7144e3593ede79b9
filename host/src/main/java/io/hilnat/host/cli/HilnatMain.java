package io.hilnat.host.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The host command line: {@code ./hilnat <command>}. Each command is a small class of its own. */
@Command(
    name = "hilnat",
    mixinStandardHelpOptions = true,
    version = "hilnat 0.1.0",
    description = "Hardware-in-the-loop Neural Architecture Transfer.",
    subcommands = {
      CommandLine.HelpCommand.class,
      BenchCommand.class,
      AgentsCommand.class,
      AgentCommand.class,
      ExportCommand.class,
      DemoCommand.class,
      SearchCommand.class,
      MaddsLatencyCommand.class,
      LutCommand.class,
      LatencyCommand.class,
      BenchmarkCommand.class,
      SupernetCommand.class,
      SupernetCommand.Subnet.class,
      ProxiesCommand.class,
      DoctorCommand.class,
    })
public final class HilnatMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; errors print one readable line, not a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new HilnatMain());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("hilnat: " + e.getMessage());
      if (System.getenv("HILNAT_DEBUG") != null) {
        e.printStackTrace(commandLine.getErr());
      }
      return 2;
    });
    return cli;
  }
}
