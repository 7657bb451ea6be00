package io.trent.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.server.config.ConfigException;
import io.trent.server.config.TlsConfig;
import io.trent.server.config.TrentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tls} configuration section. */
class TlsConfigTest {
  @TempDir Path dir;

  @Test
  void offByDefault() {
    assertThat(TrentConfig.defaults(Map.of()).tls()).isEqualTo(TlsConfig.off());
  }

  @Test
  void readFromTheFileAndTheEnvironment() throws Exception {
    Path yaml = dir.resolve("trent.yaml");
    Files.writeString(yaml, """
        tls:
          certificate: /etc/trent/server.pem
          privateKey: /etc/trent/server.key
          privateKeyPassphraseFile: /etc/trent/key-passphrase
        """);

    TrentConfig config = TrentConfig.load(yaml, Map.of("TRENT_TLS_ENABLED", "true", "TRENT_TLS_CLIENT_CA", "/etc/trent/clients.pem"));

    assertThat(config.tls()).isEqualTo(new TlsConfig(true, "/etc/trent/server.pem", "/etc/trent/server.key",
        "/etc/trent/key-passphrase", "/etc/trent/clients.pem"));
    assertThat(config.tls().operatorCertificate()).isTrue();
    assertThat(config.tls().clientCaPath()).contains(Path.of("/etc/trent/clients.pem"));
  }

  @Test
  void theServeFlagTurnsItOnKeepingTheRest() {
    TrentConfig config = TrentConfig.defaults(Map.of("TRENT_TLS_CLIENT_CA", "/etc/trent/clients.pem"));

    TlsConfig on = config.withTls(config.tls().withEnabled(true)).tls();

    assertThat(on).isEqualTo(new TlsConfig(true, "", "", "", "/etc/trent/clients.pem"));
    assertThat(on.operatorCertificate()).isFalse();
  }

  @Test
  void configuredCertificatesWithTlsOffStopTheStartInsteadOfServingPlainHttp() {
    TlsConfig clientCaOnly = new TlsConfig(false, "", "", "", "/etc/trent/clients.pem");
    TlsConfig certificateOnly = new TlsConfig(false, "/etc/trent/server.pem", "/etc/trent/server.key", "", "");

    assertThatThrownBy(() -> ServerTls.ifEnabled(clientCaOnly, dir, Clock.systemUTC()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tls.certificate or tls.clientCa is set but tls.enabled is false");
    assertThatThrownBy(() -> ServerTls.ifEnabled(certificateOnly, dir, Clock.systemUTC()))
        .isInstanceOf(ConfigException.class);
    assertThat(ServerTls.ifEnabled(TlsConfig.off(), dir, Clock.systemUTC())).isEmpty();
    assertThat(dir.resolve("tls")).doesNotExist();
  }

  @Test
  void certificateAndKeyComeTogether() {
    assertThatThrownBy(() -> new TlsConfig(true, "/etc/trent/server.pem", "", "", ""))
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls.certificate and tls.privateKey are set together or not at all");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_TLS_PRIVATE_KEY", "/k")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls.certificate and tls.privateKey are set together or not at all");
    assertThatThrownBy(() -> new TlsConfig(true, "", "", "/etc/trent/pass", ""))
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls.privateKeyPassphraseFile is set but tls.privateKey is not");
  }
}
