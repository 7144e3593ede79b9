package io.hilnat.agent.server;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.hilnat.agent.core.AgentCore;
import io.hilnat.agent.core.AgentMetrics;
import io.hilnat.agent.core.CpuAffinity;
import io.hilnat.agent.core.DeviceConditions;
import io.hilnat.agent.core.ModelCache;
import io.hilnat.agent.core.ThisProcess;
import io.hilnat.agent.energy.CommandRunner;
import io.hilnat.agent.energy.Meters;
import io.hilnat.agent.energy.Sysfs;
import io.hilnat.agent.energy.ThermalZones;
import io.hilnat.agent.profile.HardwareProfile;
import io.hilnat.agent.runtime.ModelChecker;
import io.hilnat.agent.runtime.ModelRuntime;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** Assembles a running agent: core, gRPC service, health, reflection, auth, TLS, metrics. */
public final class AgentServer implements AutoCloseable {

  /** How to start: everything {@code agent serve} accepts. */
  public record Config(
      String bind,
      int port,
      HardwareProfile profile,
      String deviceId,
      Path cacheDir,
      long maxModelBytes,
      long maxCacheBytes,
      String token,
      Path tlsCert,
      Path tlsKey,
      String metricsBind,
      int metricsPort,
      Path sysfsRoot,
      String profileOverride) {}

  /** Inbound messages beyond a model's size: the request around it, or a few inputs for inference. */
  static final int INBOUND_MARGIN = 1 << 20;

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final MetricsEndpoint metricsServer;
  private final ModelChecker checker;

  public AgentServer(Config config, Transport transport, ModelRuntime runtime, ModelChecker checker)
      throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AgentMetrics metrics = new AgentMetrics(registry);
    HardwareProfile profile = config.profile();
    this.checker = checker;
    AgentCore core = new AgentCore(config.deviceId(), profile, config.profileOverride(), runtime, checker,
        new ModelCache(config.cacheDir(), config.maxModelBytes(), config.maxCacheBytes()),
        Meters.open(profile.energy(), config.sysfsRoot(), CommandRunner.system()),
        new ThermalZones(Sysfs.under(config.sysfsRoot(), "/sys/class/thermal"), profile.thermalZones()),
        metrics, CpuAffinity.apply(profile.affinity(), ThisProcess.pid(), CommandRunner.system()),
        new DeviceConditions(profile, config.sysfsRoot()));
    ServerCredentials credentials = config.tlsCert() == null
        ? InsecureServerCredentials.create()
        : TlsServerCredentials.create(config.tlsCert().toFile(), config.tlsKey().toFile());
    var builder = transport.serverBuilder(new InetSocketAddress(config.bind(), config.port()), credentials)
        .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, config.maxModelBytes() + INBOUND_MARGIN))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance());
    DeviceAgentService service = new DeviceAgentService(core);
    builder.addService(config.token() == null
        ? ServerInterceptors.intercept(service)
        : ServerInterceptors.intercept(service, new TokenAuthInterceptor(config.token())));
    server = builder.build().start();
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus("hilnat.agent.v1.DeviceAgent", ServingStatus.SERVING);
    metricsServer = config.metricsPort() < 0 ? null
        : new MetricsEndpoint(config.metricsBind(), config.metricsPort(), registry::scrape);
  }

  /**
   * What a listener beyond loopback exposes, in words for a warning; empty when it is loopback, or TLS and a token
   * guard it.
   */
  public static String exposure(Config config) throws IOException {
    if (InetAddress.getByName(config.bind()).isLoopbackAddress()) {
      return "";
    }
    if (config.tlsCert() == null) {
      return "listening on " + config.bind() + " without TLS: models, results" + (config.token() == null ? ""
          : " and the token") + " cross the network in clear text; give --tls-cert and --tls-key";
    }
    return config.token() == null ? "listening on " + config.bind() + " without a token: anyone who reaches the "
        + "port can run models here; give --token-file" : "";
  }

  public int port() {
    return server.getPort();
  }

  /** The metrics port, or -1 when metrics are off. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    health.enterTerminalState();
    server.shutdownNow();
    if (metricsServer != null) {
      metricsServer.close();
    }
    checker.close();
  }
}
