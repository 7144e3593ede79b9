package io.hilnat.agent.server;

import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;

/** gRPC over Netty: the agent's transport on Linux. */
public final class NettyTransport implements Transport {

  @Override
  public ServerBuilder<?> serverBuilder(InetSocketAddress address, ServerCredentials credentials) {
    return NettyServerBuilder.forAddress(address, credentials);
  }
}
