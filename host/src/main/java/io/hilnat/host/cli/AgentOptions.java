package io.hilnat.host.cli;

import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.AgentCredentials;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** How to reach agents: {@code --agent HOST:PORT} (repeatable), token and TLS trust. */
public final class AgentOptions {

  @Option(names = "--agent", required = true, paramLabel = "HOST:PORT",
      description = "a device agent; repeat for several (e.g. --agent 127.0.0.1:50051)")
  List<String> agents;

  @Option(names = "--token-file", description = "file holding the agents' bearer token")
  Path tokenFile;

  @Option(names = "--tls-cert", description = "PEM certificate to trust: talk TLS to the agents")
  Path tlsCert;

  public List<String> targets() {
    for (String a : agents) {
      if (!a.matches("[^:\\s]+:\\d{1,5}")) {
        throw new IllegalArgumentException("--agent '" + a + "' is not HOST:PORT (e.g. 127.0.0.1:50051)");
      }
    }
    return agents;
  }

  public AgentClient connect(String target) {
    return new AgentCredentials(tokenFile, tlsCert).connect(target);
  }
}
