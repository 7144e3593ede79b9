package io.hilnat.agent.android;

import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.okhttp.OkHttpServerBuilder;
import io.hilnat.agent.server.Transport;
import java.net.InetSocketAddress;

/** gRPC over OkHttp: the transport Android's runtime can carry (Netty's is Linux-JVM only). */
public final class OkHttpTransport implements Transport {

  @Override
  public ServerBuilder<?> serverBuilder(InetSocketAddress address, ServerCredentials credentials) {
    // bound to the address asked for: on a phone that is 127.0.0.1, reached only through adb forward
    return OkHttpServerBuilder.forPort(address, credentials);
  }
}
