package io.hilnat.host.agentclient;

/** A call to a device agent failed; the message names the agent, the call and what to do. */
public final class AgentException extends RuntimeException {
  private final io.grpc.Status.Code code;

  public AgentException(String message, io.grpc.Status.Code code, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public io.grpc.Status.Code code() {
    return code;
  }
}
