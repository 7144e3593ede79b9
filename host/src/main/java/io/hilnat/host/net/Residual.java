package io.hilnat.host.net;

import java.util.List;

/** {@code x + body(x)}; the body must keep the shape. */
public record Residual(List<Node> body) implements Node {
  public Residual {
    body = List.copyOf(body);
  }
}
