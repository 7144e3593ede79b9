package io.hilnat.host.agentclient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the host proves itself to agents and trusts them: a bearer token (a board's install.sh makes one) and a TLS
 * certificate to trust, each optional. Only the files' paths are kept by a search, never the token.
 */
public record AgentCredentials(Path tokenFile, Path trustCert) {

  public static final AgentCredentials NONE = new AgentCredentials(null, null);

  public AgentClient connect(String target) {
    return new AgentClient(target, trustCert, token());
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
