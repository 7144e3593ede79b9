package io.hilnat.agent.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Requires {@code authorization: Bearer <token>} on every DeviceAgent call. Health and reflection
 * stay open so monitors and generic clients can see that the agent is up.
 */
public final class TokenAuthInterceptor implements ServerInterceptor {

  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final byte[] expected;

  public TokenAuthInterceptor(String token) {
    this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!call.getMethodDescriptor().getServiceName().equals("hilnat.agent.v1.DeviceAgent")) {
      return next.startCall(call, headers);
    }
    String given = headers.get(AUTHORIZATION);
    if (given == null) {
      call.close(Status.UNAUTHENTICATED.withDescription(
          "missing token: this agent was started with --token-file; send 'authorization: Bearer <token>'"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    if (!MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
      call.close(Status.UNAUTHENTICATED.withDescription("wrong token"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
