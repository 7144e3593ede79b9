package io.hilnat.agent.core;

/** A request the agent refuses, with the reason a person can act on. The transport maps the kind. */
public final class AgentException extends RuntimeException {

  /** What went wrong, independent of the transport (the gRPC service maps these to status codes). */
  public enum Kind {
    INVALID_ARGUMENT,
    NOT_FOUND,
    RESOURCE_EXHAUSTED,
    FAILED_PRECONDITION,
    INTERNAL
  }

  private final Kind kind;

  public AgentException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
