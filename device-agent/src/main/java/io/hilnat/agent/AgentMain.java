package io.hilnat.agent;

import io.hilnat.agent.pack.PackageCommand;
import io.hilnat.agent.profile.HardwareProfile;
import io.hilnat.agent.profile.ProfileLoader;
import io.hilnat.agent.profile.Platform;
import io.hilnat.agent.runtime.ChildProcessModelChecker;
import io.hilnat.agent.runtime.TfliteRuntime;
import io.hilnat.agent.server.AgentServer;
import io.hilnat.agent.server.NettyTransport;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hilnat agent serve ...}: a device agent. */
@Command(name = "agent", mixinStandardHelpOptions = true, version = "hilnat-agent 0.1.0",
    description = {"hilnat device agent: runs .tflite models and measures them.",
        "On an Android phone over adb: ./hilnat agent android (docs/devices/android.md)."},
    subcommands = {AgentMain.Serve.class, PackageCommand.class})
public final class AgentMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** TFLite with the natives of this machine; a package built for another one says so here. */
  static TfliteRuntime runtime() {
    try {
      return new TfliteRuntime();
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new IllegalStateException("TensorFlow Lite's native library for " + Platform.current()
          + " is not on the class path (" + e.getMessage() + "): use an agent package built for this machine ("
          + "./hilnat agent package --target " + Platform.current() + ")", e);
    }
  }

  /** The agent's command line: a failure prints "hilnat agent: REASON" and exits with 2. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new AgentMain());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("hilnat agent: " + e.getMessage());
      return 2;
    });
    return cli;
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the DeviceAgent gRPC API.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "50051", description = "port; 0 picks a free one (default "
        + "${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default "
        + "${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--profile", paramLabel = "ID|FILE",
        description = "hardware profile: a built-in id (e.g. raspberry-pi-5) or a YAML file (default: linux-x86_64)")
    String profile;

    @Option(names = "--allow-profile-mismatch",
        description = "run a profile made for another platform (tests only); Describe and every result say so")
    boolean allowProfileMismatch;

    @Option(names = "--device-id", description = "name of this device (default: profile id @ host name)")
    String deviceId;

    @Option(names = "--cache-dir", description = "model cache directory (default ~/.cache/hilnat/models)")
    Path cacheDir;

    @Option(names = "--max-model-mb", defaultValue = "64", description = "largest model accepted (default "
        + "${DEFAULT-VALUE})")
    long maxModelMb;

    @Option(names = "--token-file", description = "require 'authorization: Bearer <token>' with this file's token")
    Path tokenFile;

    @Option(names = "--tls-cert", description = "PEM certificate chain; with --tls-key, serve TLS")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key (PKCS#8)")
    Path tlsKey;

    @Option(names = "--max-cache-mb", defaultValue = "2048",
        description = "models kept at most, in MiB; the least recently used go first (default ${DEFAULT-VALUE})")
    long maxCacheMb;

    @Option(names = "--metrics-port", defaultValue = "-1", description = "Prometheus /metrics port; -1 off, 0 any")
    int metricsPort;

    @Option(names = "--metrics-bind", defaultValue = "127.0.0.1",
        description = "address of the metrics endpoint, which has no token (default ${DEFAULT-VALUE})")
    String metricsBind;

    @Option(names = "--sysfs-root", defaultValue = "/", description = "root of sysfs (a recorded tree for tests)")
    Path sysfsRoot;

    @Option(names = "--parent-pid", description = "exit when this process ends (a host that started a local agent)")
    Long parentPid;

    @Override
    public Integer call() throws Exception {
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("--tls-cert and --tls-key go together");
      }
      HardwareProfile hw = ProfileLoader.fileOrBuiltIn(profile == null ? "linux-x86_64" : profile);
      String override = ProfileLoader.checkPlatform(hw, Platform.current(), allowProfileMismatch);
      if (!override.isEmpty()) {
        System.err.println("hilnat agent: WARNING: " + override);
      }
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
      AgentServer.Config config = new AgentServer.Config(bind, port, hw, id, cache, maxModelMb << 20,
          maxCacheMb << 20, token, tlsCert, tlsKey, metricsBind, metricsPort, sysfsRoot, override);
      String exposure = AgentServer.exposure(config);
      if (!exposure.isEmpty()) {
        System.err.println("hilnat agent: WARNING: " + exposure);
      }
      AgentServer server = new AgentServer(config, new NettyTransport(), runtime(),
          ChildProcessModelChecker.forThisJvm(ChildProcessModelChecker.AGENT_TIMEOUT_SECONDS));
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      if (parentPid != null) {
        // a host killed with SIGKILL runs no shutdown hook: without this its agent would outlive it
        ProcessHandle.of(parentPid).ifPresentOrElse(parent -> parent.onExit().thenRun(() -> System.exit(0)),
            () -> System.exit(0));
      }
      System.out.println("hilnat-agent listening on " + bind + ":" + server.port());
      if (server.metricsPort() >= 0) {
        System.out.println("hilnat-agent metrics on http://" + metricsBind + ":" + server.metricsPort() + "/metrics");
      }
      System.out.flush();
      server.awaitTermination();
      return 0;
    }
  }
}
