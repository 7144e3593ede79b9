package io.hilnat.host.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** The host's command line run in this JVM as a user runs it, its exit code and both outputs kept. */
public final class HostCli {

  public record Run(int code, String out, String err) {}

  private HostCli() {}

  public static Run run(String... args) {
    CommandLine cli = HilnatMain.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
