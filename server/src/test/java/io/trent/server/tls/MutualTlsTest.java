package io.trent.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.server.config.TlsConfig;
import io.trent.server.http.KmsHttpServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** tls.clientCa set: only clients with a certificate signed by that CA get through the handshake. */
@Timeout(30)
class MutualTlsTest {
  @TempDir Path dataDir;
  private final AtomicInteger dispatched = new AtomicInteger();
  private TestCa clientCa;
  private ServerTls tls;
  private KmsHttpServer server;
  private Path serverCa;

  @BeforeEach
  void start() throws Exception {
    clientCa = TestCa.create("Client CA");
    Path clientCaFile = clientCa.writeCertificate(dataDir.resolve("client-ca.pem"));
    tls = ServerTls.open(new TlsConfig(true, "", "", "", clientCaFile.toString()), dataDir, Clock.systemUTC());
    serverCa = tls.generatedCa().orElseThrow();
    server = TlsServerTest.startServer(tls, dispatched);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aClientCertificateSignedByTheClientCaIsAccepted() throws Exception {
    HttpClient client = TlsServerTest.client(TestCa.clientContext(serverCa, clientCa.client("app-1")));

    HttpResponse<String> response =
        client.send(TlsServerTest.kmsRequest(server.port()), HttpResponse.BodyHandlers.ofString());

    assertThat(tls.mutual()).isTrue();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.sslSession().orElseThrow().getLocalCertificates()).hasSize(1);
    assertThat(dispatched).hasValue(1);
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    HttpClient client = TlsServerTest.client(TestCa.clientContext(serverCa, null));

    assertThatThrownBy(() -> client.send(TlsServerTest.kmsRequest(server.port()), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
    assertThat(dispatched).hasValue(0);
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefused() throws Exception {
    TestCa stranger = TestCa.create("Client CA"); // same name, other key: only the signature counts
    HttpClient client = TlsServerTest.client(TestCa.clientContext(serverCa, stranger.client("app-1")));

    assertThatThrownBy(() -> client.send(TlsServerTest.kmsRequest(server.port()), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
    assertThat(dispatched).hasValue(0);
  }
}
