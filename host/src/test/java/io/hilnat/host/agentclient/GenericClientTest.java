package io.hilnat.host.agentclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent answers a gRPC client that is not ours: Python's grpcio, through health and reflection only. */
class GenericClientTest {

  @TempDir Path cache;

  @Test
  void pythonGrpcioSeesHealthServicesAndTheProto() throws Exception {
    try (LocalAgent agent = LocalAgent.start(cache)) {
      Process p = new ProcessBuilder("/usr/bin/python3", "../scripts/generic-grpc-client.py", agent.target())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), out + "\n(needs Debian's python3-grpcio and python3-protobuf: "
          + "scripts/install-deps)");
      assertTrue(out.contains("health: SERVING"), out);
      assertTrue(out.contains("hilnat.agent.v1.DeviceAgent"), out);
      assertTrue(out.contains("proto: hilnat/agent/v1/agent.proto") && out.contains("Benchmark, BenchmarkStream, "
          + "Infer"),
          out);
    }
  }
}
