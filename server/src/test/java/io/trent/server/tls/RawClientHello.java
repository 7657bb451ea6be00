package io.trent.server.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;

/**
 * A TLS ClientHello written byte by byte (RFC 5246 section 7.4.1.2), to offer the server a protocol
 * version the JDK's own client will not send (TLS 1.1 is disabled in it), and the server's first
 * bytes in answer.
 */
final class RawClientHello {
  static final int TLS_1_1 = 0x0302;
  static final int TLS_1_2 = 0x0303;
  /** TLS record content types. */
  static final int ALERT = 0x15;
  static final int HANDSHAKE = 0x16;
  /** TLS alert description protocol_version. */
  static final int PROTOCOL_VERSION = 70;

  private RawClientHello() {}

  /**
   * Sends a ClientHello offering {@code version} at most, with ECDHE-ECDSA suites (CBC, valid in
   * 1.1, and GCM), the P-256 group and ECDSA-SHA256 signatures, and returns the bytes the server
   * sent until it closed the connection (at most 5 seconds of reading).
   */
  static byte[] exchange(int port, int version) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(hello(version));
      socket.getOutputStream().flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      try {
        for (int n = in.read(buffer); n >= 0 && answer.size() < 64 * 1024; n = in.read(buffer)) {
          answer.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException e) {
        // A server that keeps the connection open has answered (a ServerHello waits for us).
      } catch (IOException e) {
        // Reset after the alert: what arrived before is the answer.
      }
      return answer.toByteArray();
    }
  }

  private static byte[] hello(int version) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    u16(body, version);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    body.writeBytes(random);
    body.write(0); // no session id
    int[] suites = {0xC02B, 0xC009, 0xC00A}; // ECDHE_ECDSA with AES_128_GCM_SHA256, AES_128_CBC_SHA, AES_256_CBC_SHA
    u16(body, suites.length * 2);
    for (int suite : suites) {
      u16(body, suite);
    }
    body.write(1); // one compression method:
    body.write(0); // null

    ByteArrayOutputStream extensions = new ByteArrayOutputStream();
    extension(extensions, 0x000a, new byte[] {0, 2, 0, 0x17}); // supported_groups: secp256r1
    extension(extensions, 0x000b, new byte[] {1, 0}); // ec_point_formats: uncompressed
    extension(extensions, 0x000d, new byte[] {0, 2, 4, 3}); // signature_algorithms: ecdsa_secp256r1_sha256
    u16(body, extensions.size());
    body.writeBytes(extensions.toByteArray());

    ByteArrayOutputStream handshake = new ByteArrayOutputStream();
    handshake.write(1); // client_hello
    u24(handshake, body.size());
    handshake.writeBytes(body.toByteArray());

    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write(HANDSHAKE);
    u16(record, 0x0301); // record layer version, as clients send in their first record
    u16(record, handshake.size());
    record.writeBytes(handshake.toByteArray());
    return record.toByteArray();
  }

  private static void extension(ByteArrayOutputStream out, int type, byte[] data) {
    u16(out, type);
    u16(out, data.length);
    out.writeBytes(data);
  }

  private static void u16(ByteArrayOutputStream out, int value) {
    out.write(value >>> 8);
    out.write(value);
  }

  private static void u24(ByteArrayOutputStream out, int value) {
    out.write(value >>> 16);
    u16(out, value);
  }
}
