package io.hilnat.agent;

import io.hilnat.agent.profile.HardwareProfile;
import io.hilnat.agent.profile.ProfileLoader;
import io.hilnat.agent.runtime.TfliteRuntime;
import io.hilnat.agent.server.AgentServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hilnat agent serve ...}: a device agent. */
@Command(name = "agent", mixinStandardHelpOptions = true, version = "hilnat-agent 0.1.0",
    description = "hilnat device agent: runs .tflite models and measures them.",
    subcommands = {AgentMain.Serve.class})
public final class AgentMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new AgentMain());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("hilnat agent: " + e.getMessage());
      return 2;
    });
    int code = cli.execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the DeviceAgent gRPC API.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "50051", description = "port; 0 picks a free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--profile", description = "hardware profile YAML (default: the built-in linux-x86_64)")
    Path profile;

    @Option(names = "--device-id", description = "name of this device (default: profile id @ host name)")
    String deviceId;

    @Option(names = "--cache-dir", description = "model cache directory (default ~/.cache/hilnat/models)")
    Path cacheDir;

    @Option(names = "--max-model-mb", defaultValue = "64", description = "largest model accepted (default ${DEFAULT-VALUE})")
    long maxModelMb;

    @Option(names = "--token-file", description = "require 'authorization: Bearer <token>' with this file's token")
    Path tokenFile;

    @Option(names = "--tls-cert", description = "PEM certificate chain; with --tls-key, serve TLS")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key (PKCS#8)")
    Path tlsKey;

    @Option(names = "--metrics-port", defaultValue = "-1", description = "Prometheus /metrics port; -1 off, 0 any")
    int metricsPort;

    @Option(names = "--sysfs-root", defaultValue = "/", description = "root of sysfs (a recorded tree for tests)")
    Path sysfsRoot;

    @Option(names = "--parent-pid", description = "exit when this process ends (a host that started a local agent)")
    Long parentPid;

    @Override
    public Integer call() throws Exception {
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("--tls-cert and --tls-key go together");
      }
      HardwareProfile hw = profile == null ? ProfileLoader.builtIn("linux-x86_64") : ProfileLoader.load(profile);
      String token = null;
      if (tokenFile != null) {
        token = Files.readString(tokenFile).strip();
        if (token.isEmpty()) {
          throw new IllegalArgumentException(tokenFile + " is empty: put the token in it");
        }
      }
      Path cache = cacheDir != null ? cacheDir
          : Path.of(System.getProperty("user.home"), ".cache", "hilnat", "models");
      String id = deviceId != null ? deviceId : hw.id() + "@" + InetAddress.getLocalHost().getHostName();
      AgentServer server = new AgentServer(new AgentServer.Config(bind, port, hw, id, cache, maxModelMb << 20,
          token, tlsCert, tlsKey, metricsPort, sysfsRoot), new TfliteRuntime());
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      if (parentPid != null) {
        // a host killed with SIGKILL runs no shutdown hook: without this its agent would outlive it
        ProcessHandle.of(parentPid).ifPresentOrElse(parent -> parent.onExit().thenRun(() -> System.exit(0)),
            () -> System.exit(0));
      }
      System.out.println("hilnat-agent listening on " + bind + ":" + server.port());
      if (server.metricsPort() >= 0) {
        System.out.println("hilnat-agent metrics on http://" + bind + ":" + server.metricsPort() + "/metrics");
      }
      System.out.flush();
      server.awaitTermination();
      return 0;
    }
  }
}
