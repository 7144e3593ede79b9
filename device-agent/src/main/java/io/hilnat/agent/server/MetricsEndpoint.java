package io.hilnat.agent.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Prometheus' text endpoint, {@code GET /metrics}, over a plain server socket: the JDK's HTTP server is not in
 * Android's runtime, and a scrape needs no more than one request per connection.
 */
final class MetricsEndpoint implements AutoCloseable {

  private static final int READ_TIMEOUT_MS = 5_000;

  private final ServerSocket socket;
  private final Supplier<String> scrape;
  private final Thread acceptor;

  MetricsEndpoint(String bind, int port, Supplier<String> scrape) throws IOException {
    this.socket = new ServerSocket(port, 16, InetAddress.getByName(bind));
    this.scrape = scrape;
    this.acceptor = new Thread(this::serve, "metrics-http");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket client = socket.accept()) {
        client.setSoTimeout(READ_TIMEOUT_MS);
        answer(client);
      } catch (SocketTimeoutException e) {
        // a client that sent nothing: drop it and serve the next
      } catch (IOException e) {
        if (socket.isClosed()) {
          return;
        }
      }
    }
  }

  private void answer(Socket client) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
    String request = in.readLine();
    for (String header = request; header != null && !header.isEmpty(); ) {
      header = in.readLine();
    }
    String[] parts = request == null ? new String[0] : request.split(" ");
    boolean metrics = parts.length >= 2 && parts[0].equals("GET")
        && (parts[1].equals("/metrics") || parts[1].startsWith("/metrics?"));
    byte[] body = (metrics ? scrape.get() : "not found: the metrics are at /metrics\n")
        .getBytes(StandardCharsets.UTF_8);
    String head = (metrics ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found") + "\r\n"
        + "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "Connection: close\r\n\r\n";
    OutputStream out = client.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing is all that was asked
    }
  }
}
