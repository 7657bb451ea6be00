package io.trent.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One TCP connection speaking HTTP/1.1 by hand, for what java.net.http hides (connection reuse). */
final class RawHttpConnection implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  RawHttpConnection(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  static String post(String target, String body, String... extraHeaders) {
    StringBuilder request = new StringBuilder("POST / HTTP/1.1\r\nHost: localhost\r\n")
        .append("Content-Type: application/x-amz-json-1.1\r\n")
        .append("X-Amz-Date: 20250101T000000Z\r\n")
        .append("Authorization: ").append(KmsHttpServerTest.AUTHORIZATION).append("\r\n")
        .append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
    if (target != null) {
      request.append("X-Amz-Target: ").append(target).append("\r\n");
    }
    for (String header : extraHeaders) {
      request.append(header).append("\r\n");
    }
    return request.append("\r\n").append(body).toString();
  }

  /** Sends a POST with a body of {@code length} bytes, in 64 KiB writes, as an uploading client would. */
  void upload(String target, int length) throws IOException {
    send("POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: " + target + "\r\nContent-Length: " + length + "\r\n\r\n");
    byte[] chunk = new byte[64 * 1024];
    for (int sent = 0; sent < length; sent += chunk.length) {
      out.write(chunk, 0, Math.min(chunk.length, length - sent));
    }
    out.flush();
  }

  void send(String raw) throws IOException {
    out.write(raw.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  Response read() throws IOException {
    String statusLine = line();
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(); !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /** True when the server closed the connection (EOF) before the read timeout. */
  boolean closedByServer() throws IOException {
    try {
      return in.read() == -1;
    } catch (java.net.SocketException e) {
      return true; // a reset also means closed
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b == -1) {
        throw new IOException("Connection closed mid-response");
      }
      if (b != '\r') {
        buffer.write(b);
      }
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
