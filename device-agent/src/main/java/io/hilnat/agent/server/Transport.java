package io.hilnat.agent.server;

import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import java.net.InetSocketAddress;

/**
 * The gRPC server transport an agent listens with: Netty on Linux boards, OkHttp on Android, where Netty's
 * native transports and its size have no place. Everything above it is the same agent.
 */
public interface Transport {

  ServerBuilder<?> serverBuilder(InetSocketAddress address, ServerCredentials credentials);

}
