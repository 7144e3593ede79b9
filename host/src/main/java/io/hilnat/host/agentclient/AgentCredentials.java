package io.hilnat.host.agentclient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the host proves itself to agents and trusts them: a bearer token (a board's install.sh makes one) and a TLS
 * certificate to trust, each optional. Only the files' paths are kept by a search, never the token. A token goes
 * over plaintext only to loopback (a phone's adb forward, an SSH tunnel) unless {@code insecureToken} says the
 * network is trusted: anyone on the path could read it and run models on the device.
 */
public record AgentCredentials(Path tokenFile, Path trustCert, boolean insecureToken) {

  public static final AgentCredentials NONE = new AgentCredentials(null, null, false);

  public AgentClient connect(String target) {
    String token = token();
    if (token != null && trustCert == null && !insecureToken && !loopback(target)) {
      throw new IllegalArgumentException("refusing to send the agent token to " + target + " over plaintext: give "
          + "--tls-cert with the agent's certificate (serve it with --tls-cert/--tls-key), or --insecure-token if "
          + "you trust the network");
    }
    return new AgentClient(target, trustCert, token);
  }

  /** Whether {@code HOST:PORT} names this machine literally; names are not resolved, so a DNS answer cannot lie. */
  static boolean loopback(String target) {
    String host = target.substring(0, Math.max(0, target.lastIndexOf(':')));
    return host.equals("localhost") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}") || host.equals("[::1]")
        || host.equals("::1");
  }

  private String token() {
    if (tokenFile == null) {
      return null;
    }
    try {
      String token = Files.readString(tokenFile).strip();
      if (token.isEmpty()) {
        throw new IllegalArgumentException("token file " + tokenFile + " is empty: copy the agent's token into it");
      }
      return token;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the token file " + tokenFile + ": " + e.getMessage());
    }
  }
}
