package io.trent.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.trent.server.config.TlsConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the server's TLS engine enables, whatever the JVM's defaults: the handshake tests show a
 * few clients refused; this shows that nothing else is on offer.
 */
class TlsPolicyTest {
  @TempDir Path dataDir;

  private SSLEngine engine(String clientCa) throws Exception {
    if (!clientCa.isEmpty()) {
      TestCa.create("Client CA").writeCertificate(Path.of(clientCa));
    }
    ServerTls tls = ServerTls.open(new TlsConfig(true, "", "", "", clientCa), dataDir, Clock.systemUTC());
    return tls.context().newEngine(ByteBufAllocator.DEFAULT);
  }

  @Test
  void onlyTls13And12() throws Exception {
    assertThat(engine("").getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
  }

  @Test
  void onlyForwardSecretAeadSuites() throws Exception {
    List<String> suites = List.of(engine("").getEnabledCipherSuites());

    assertThat(suites).isNotEmpty().allSatisfy(suite -> assertThat(suite)
        .matches("TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256"
            + "|ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256))"));
    assertThat(suites).contains("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  }

  @Test
  void clientCertificatesAreRequiredExactlyWhenAClientCaIsSet() throws Exception {
    SSLEngine plain = engine("");
    SSLEngine mutual = engine(dataDir.resolve("clients.pem").toString());

    assertThat(plain.getNeedClientAuth()).isFalse();
    assertThat(plain.getWantClientAuth()).isFalse();
    assertThat(mutual.getNeedClientAuth()).isTrue();
  }
}
