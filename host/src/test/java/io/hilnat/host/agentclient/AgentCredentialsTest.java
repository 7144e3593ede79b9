package io.hilnat.host.agentclient;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCredentialsTest {

  @TempDir Path dir;

  @Test
  void aTokenGoesOverPlaintextOnlyToLoopbackOrWhenToldTo() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
    String refused = assertThrows(IllegalArgumentException.class,
        () -> new AgentCredentials(token, null, false).connect("pi5.local:50051")).getMessage();
    assertTrue(refused.contains("refusing to send the agent token to pi5.local:50051 over plaintext"), refused);
    assertTrue(refused.contains("--tls-cert") && refused.contains("--insecure-token"), refused);
    new AgentCredentials(token, null, false).connect("127.0.0.1:50051").close();
    new AgentCredentials(token, null, true).connect("pi5.local:50051").close();
    new AgentCredentials(null, null, false).connect("pi5.local:50051").close();
    assertTrue(AgentCredentials.loopback("localhost:1") && AgentCredentials.loopback("[::1]:1"));
    assertFalse(AgentCredentials.loopback("127.example.com:1"), "a name is not an address");
  }
}
