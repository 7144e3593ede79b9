package io.hilnat.host.cli;

import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.AgentCredentials;
import io.hilnat.host.android.AgentTargets;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** How to reach agents: {@code --agent HOST:PORT} or {@code adb:[SERIAL]} (repeatable), token and TLS trust. */
public final class AgentOptions {

  @Option(names = "--agent", required = true, paramLabel = "HOST:PORT|adb:[SERIAL]",
      description = "a device agent; repeat for several (e.g. --agent 127.0.0.1:50051). adb:SERIAL starts one on "
          + "that Android phone over adb, adb: on the only attached one")
  List<String> agents;

  @Option(names = "--token-file", description = "file holding the agents' bearer token")
  Path tokenFile;

  @Option(names = "--tls-cert", description = "PEM certificate to trust: talk TLS to the agents")
  Path tlsCert;

  @Option(names = "--insecure-token", description = "send the token over plaintext to agents beyond loopback")
  boolean insecureToken;

  /** The agents' {@code HOST:PORT}s, phones' agents started; every address is checked before any phone starts. */
  public List<String> targets() {
    for (String a : agents) {
      if (!a.matches("[^:\\s]+:\\d{1,5}") && !a.matches(AgentTargets.ADB + "\\S*")) {
        throw new IllegalArgumentException("--agent '" + a + "' is neither HOST:PORT (e.g. 127.0.0.1:50051) nor "
            + "adb:SERIAL (an Android phone over adb; adb: for the only attached one)");
      }
    }
    return agents.stream().map(AgentTargets::resolve).toList();
  }

  public AgentClient connect(String target) {
    return new AgentCredentials(tokenFile, tlsCert, insecureToken).connect(target);
  }
}
