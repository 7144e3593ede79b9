package io.hilnat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.agent.profile.Platform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentMainTest {

  @TempDir Path cache;

  @Test
  void aBoardsProfileOnThisMachineIsRefusedBeforeAnythingStarts() {
    StringWriter err = new StringWriter();
    var cli = AgentMain.commandLine();
    cli.setErr(new PrintWriter(err, true));
    String foreign = Platform.current().equals("linux-arm64") ? "linux-x86_64" : "raspberry-pi-5";
    int code = cli.execute("serve", "--port", "0", "--profile", foreign, "--cache-dir", cache.toString());
    assertEquals(2, code);
    assertTrue(err.toString().contains("hardware profile '" + foreign + "' is for ")
        && err.toString().contains("but this machine is " + Platform.current()), err.toString());
  }
}
