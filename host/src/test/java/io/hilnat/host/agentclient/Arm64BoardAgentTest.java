package io.hilnat.host.agentclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hilnat.agent.v1.BenchmarkRequest;
import io.hilnat.agent.v1.BenchmarkResult;
import io.hilnat.agent.v1.DeviceDescription;
import io.hilnat.host.bench.RuntimeBench;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Raspberry Pi agent without a Pi: the linux-arm64 package, installed by its install.sh and started as its
 * systemd unit would start it, but with Debian's arm64 JRE under qemu-aarch64-static (scripts/test prepares it and
 * names the wrapper in HILNAT_ARM64_JAVA). Its outputs must equal the x86 agent's; its latencies are emulated and
 * mean nothing, so only their presence is checked.
 */
class Arm64BoardAgentTest {

  @TempDir Path work;

  @Test
  void theArm64PackageRunsUnderEmulationAndComputesWhatTheX86AgentComputes() throws Exception {
    String java = System.getenv("HILNAT_ARM64_JAVA");
    if (java == null || !Files.isExecutable(Path.of(java))) {
      // CI runs scripts/test, which always prepares it: there a missing JRE is a failure, not a skip
      assertTrue(System.getenv("CI") == null, "HILNAT_ARM64_JAVA is not set: run the tests with scripts/test");
      Assumptions.abort("no arm64 JRE under qemu (HILNAT_ARM64_JAVA): run the tests with scripts/test");
    }
    Path agentTarget = LocalAgent.agentTarget();
    Path tarball = work.resolve("agent-linux-arm64.tar.gz");
    run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        agentTarget.resolve("hilnat-device-agent.jar") + File.pathSeparator + agentTarget.resolve("lib") + "/*",
        "io.hilnat.agent.AgentMain", "package", "--target", "linux-arm64", "--profile", "raspberry-pi-5",
        "-o", tarball.toString()), work);
    run(List.of("tar", "-xzf", tarball.toString()), work);
    Path prefix = work.resolve("opt");
    // an arm64 package on this x86 machine: install.sh refuses unless told it is for emulation
    run(List.of("bash", work.resolve("hilnat-agent/install.sh").toString(), "--prefix", prefix.toString(),
        "--no-systemd", "--ignore-arch"), work);
    assertTrue(Files.isRegularFile(prefix.resolve("etc/agent.env")));

    // as the unit starts it: the environment file, then the launcher; on 127.0.0.1, any free port
    ProcessBuilder start = new ProcessBuilder("bash", "-c",
        "set -a; . \"$1/etc/agent.env\"; set +a; HILNAT_BIND=127.0.0.1 HILNAT_PORT=0 exec \"$1/bin/hilnat-agent\"",
        "unit", prefix.toString());
    start.environment().put("HILNAT_JAVA", java);
    start.environment().put("HILNAT_CACHE_DIR", work.resolve("arm64-cache").toString());
    start.environment().put("HILNAT_AGENT_ARGS", "--parent-pid " + ProcessHandle.current().pid());
    start.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process board = start.start();
    try (LocalAgent x86 = LocalAgent.start(work.resolve("x86-cache"));
        AgentClient reference = new AgentClient(x86.target())) {
      // the emulated JVM takes seconds to start
      String target = LocalAgent.awaitListening(board, 300);
      String token = Files.readString(prefix.resolve("etc/token")).strip();
      try (AgentClient arm = new AgentClient(target, null, token)) {
        DeviceDescription d = arm.describe();
        assertEquals("aarch64", d.getArch());
        assertEquals("linux-arm64", d.getPlatform());
        assertEquals("2.20.0", d.getRuntimeVersion());
        assertEquals("raspberry-pi-5", d.getHardwareProfile());
        assertEquals("", d.getProfileOverride(), "the Pi's profile on an (emulated) arm64 JVM is no override");
        assertEquals("xnnpack", d.getDefaultDelegate());
        System.out.println("arm64 agent under qemu: " + d.getOs() + " " + d.getArch() + ", " + d.getRuntime() + " "
            + d.getRuntimeVersion() + ", uploads checked in " + d.getModelCheck());

        Random random = new Random(5);
        double worst = 0;
        String lastSha = null;
        List<RuntimeBench.Subnet> subnets = RuntimeBench.subnets();
        assertEquals(10, subnets.size());
        for (RuntimeBench.Subnet s : subnets) {
          byte[] model = s.export();
          String sha = arm.ensureUploaded(model, s.name());
          assertEquals(sha, reference.ensureUploaded(model, s.name()));
          int size = s.arch().resolution();
          List<float[]> inputs = new ArrayList<>();
          for (int i = 0; i < 2; i++) {
            float[] image = new float[size * size * s.channels()];
            for (int j = 0; j < image.length; j++) {
              image[j] = random.nextFloat();
            }
            inputs.add(image);
          }
          for (String delegate : List.of("cpu", "xnnpack")) {
            List<float[]> onArm = arm.infer(sha, inputs, 1, delegate);
            List<float[]> onX86 = reference.infer(sha, inputs, 1, delegate);
            for (int i = 0; i < inputs.size(); i++) {
              assertEquals(onX86.get(i).length, onArm.get(i).length);
              for (int k = 0; k < onX86.get(i).length; k++) {
                double diff = Math.abs(onX86.get(i)[k] - onArm.get(i)[k]);
                assertTrue(diff <= 1e-5, s.name() + " " + delegate + " logit " + k + " differs by " + diff);
                worst = Math.max(worst, diff);
              }
            }
          }
          lastSha = sha;
        }
        System.out.println("arm64 (qemu) vs x86 outputs, 10 subnets, cpu and xnnpack: worst difference " + worst);

        BenchmarkResult r = arm.benchmark(BenchmarkRequest.newBuilder().setSha256(lastSha).setRuns(5)
            .setWarmupRuns(1).setOpProfile(true).setOpProfileRuns(2).build());
        assertEquals(5, r.getStats().getCount());
        assertEquals(5, r.getLatenciesMsCount());
        assertTrue(r.getStats().getP50Ms() > 0 && r.getInitMs() > 0);
        assertEquals("linux-arm64", r.getPlatform());
        assertEquals("xnnpack", r.getDelegate());
        assertEquals(r.getNodes(), r.getNodesDelegated());
        assertTrue(r.getOpProfileCount() > 0);
        assertTrue(r.getMemory().getPeakKb() > 0, r.getMemory().toString());
        System.out.printf("arm64 benchmark under qemu (emulated: these latencies mean nothing): p50 %.3f ms, "
            + "peak RSS %d kB, %d/%d nodes by %s%n", r.getStats().getP50Ms(), r.getMemory().getPeakKb(),
            r.getNodesDelegated(), r.getNodes(), r.getDelegate());
      }
    } finally {
      board.destroy();
      if (!board.waitFor(20, TimeUnit.SECONDS)) {
        board.destroyForcibly();
      }
    }
  }

  private static void run(List<String> command, Path dir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", command) + " failed:\n" + out);
  }
}
