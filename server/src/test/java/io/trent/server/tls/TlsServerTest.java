package io.trent.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.server.config.ServerConfig;
import io.trent.server.config.TlsConfig;
import io.trent.server.http.HealthStatus;
import io.trent.server.http.KmsHttpServer;
import io.trent.server.http.KmsRequestDispatcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP transport with TLS on and a generated certificate, over a fake dispatcher: no HSM. */
@Timeout(30)
class TlsServerTest {
  static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "[::1]");

  @TempDir Path dataDir;
  private final AtomicInteger dispatched = new AtomicInteger();
  private KmsHttpServer server;
  private Path caFile;

  @BeforeEach
  void start() {
    ServerTls tls = ServerTls.open(new TlsConfig(true, "", "", "", ""), dataDir, Clock.systemUTC());
    caFile = tls.generatedCa().orElseThrow();
    server = startServer(tls, dispatched);
  }

  static KmsHttpServer startServer(ServerTls tls, AtomicInteger dispatched) {
    KmsRequestDispatcher echo = (op, body, by, ip) -> {
      dispatched.incrementAndGet();
      return ("{\"op\":\"" + op + "\"}").getBytes(StandardCharsets.UTF_8);
    };
    return KmsHttpServer.start(new ServerConfig("127.0.0.1", 0, 1024, 1, 16, 1 << 20, 1, LOOPBACK, List.of()),
        tls.context(), echo, () -> HealthStatus.up("fake token"), null, null);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static HttpClient client(SSLContext context) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  static HttpRequest kmsRequest(int port) {
    return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", "TrentService.ListKeys")
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build();
  }

  @Test
  void healthAndKmsRequestsWorkOverHttpsTrustingCaPem() throws Exception {
    HttpClient client = client(TestCa.clientContext(caFile, null));

    HttpResponse<String> health = client.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> kms = client.send(kmsRequest(server.port()), HttpResponse.BodyHandlers.ofString());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");
    assertThat(kms.statusCode()).isEqualTo(200);
    assertThat(kms.body()).isEqualTo("{\"op\":\"ListKeys\"}");
    assertThat(dispatched).hasValue(1);
  }

  @Test
  void clientsThatDoNotTrustCaPemFailTheHandshake() throws Exception {
    Path otherCa = TestCa.create("Some other CA").writeCertificate(dataDir.resolve("other.pem"));
    HttpClient client = client(TestCa.clientContext(otherCa, null));

    assertThatThrownBy(() -> client.send(kmsRequest(server.port()), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
    assertThat(dispatched).hasValue(0);
  }

  @Test
  void tls12WorksWithEcdheAndAead() throws Exception {
    try (SSLSocket socket = socket(TestCa.clientContext(caFile, null))) {
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.startHandshake();

      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
      assertThat(socket.getSession().getCipherSuite()).startsWith("TLS_ECDHE_").containsAnyOf("_GCM_", "_CHACHA20_");
    }
  }

  @Test
  void tls12WithoutAeadIsRefused() throws Exception {
    try (SSLSocket socket = socket(TestCa.clientContext(caFile, null))) {
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.setEnabledCipherSuites(new String[] {
          "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"});

      assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void tls11IsRefusedWithAProtocolVersionAlert() throws Exception {
    byte[] answer = RawClientHello.exchange(server.port(), RawClientHello.TLS_1_1);

    // An alert record (type, 2 bytes version, 2 bytes length 2) with level fatal(2), protocol_version.
    assertThat(answer).hasSize(7);
    assertThat(answer[0]).isEqualTo((byte) RawClientHello.ALERT);
    assertThat(answer[5]).isEqualTo((byte) 2);
    assertThat(answer[6]).isEqualTo((byte) RawClientHello.PROTOCOL_VERSION);
  }

  @Test
  void theSameHelloOfferingTls12GetsAServerHello() throws Exception {
    // The control for the test above: the hand-written hello is fine but for its version.
    byte[] answer = RawClientHello.exchange(server.port(), RawClientHello.TLS_1_2);

    assertThat(answer).isNotEmpty();
    assertThat(answer[0]).isEqualTo((byte) RawClientHello.HANDSHAKE);
    assertThat(answer[5]).as("handshake type server_hello").isEqualTo((byte) 2);
  }

  @Test
  void plainHttpGetsNoHttpAnswer() throws Exception {
    byte[] answer;
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(
          "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      answer = readUntilClosed(socket.getInputStream());
    }

    assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/");
    assertThat(answer).as("nothing, or a TLS alert").satisfiesAnyOf(
        bytes -> assertThat(bytes).isEmpty(),
        bytes -> assertThat(bytes[0]).isEqualTo((byte) RawClientHello.ALERT));
    assertThat(dispatched).hasValue(0);
  }

  @Test
  void theHostAllowListStillAppliesOverTls() throws Exception {
    try (SSLSocket socket = socket(TestCa.clientContext(caFile, null))) {
      socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: rebind.example\r\n"
          + "Content-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.ListKeys\r\n"
          + "Content-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
      String response = new String(readUntilClosed(socket.getInputStream()), StandardCharsets.UTF_8);

      assertThat(response).startsWith("HTTP/1.1 403 ").contains("AccessDeniedException");
    }
    assertThat(dispatched).hasValue(0);
  }

  private SSLSocket socket(SSLContext context) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  static byte[] readUntilClosed(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
      }
    } catch (java.net.SocketException e) {
      // reset by the server after it closed: what arrived is the answer
    }
    return out.toByteArray();
  }
}
