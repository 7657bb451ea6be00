package io.trent.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.pkcs11.GcmIvSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrentConfigTest {
  @TempDir Path dir;

  private Path yaml(String text) throws Exception {
    Path file = dir.resolve("trent.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaultsMatchTheDocumentedShape() {
    TrentConfig config = TrentConfig.defaults(Map.of());

    assertThat(config.server()).isEqualTo(new ServerConfig("127.0.0.1", 4599, 262_144, 2, 4096, 64 << 20, 1,
        List.of("localhost", "127.0.0.1", "[::1]"), List.of()));
    assertThat(config.identity().partition()).isEqualTo("aws");
    assertThat(config.identity().region()).isEqualTo("us-east-1");
    assertThat(config.identity().accountId()).isEqualTo("111122223333");
    assertThat(config.auth().mode()).isEqualTo(AuthMode.DEV);
    assertThat(config.dataDir()).isEqualTo(Path.of("var").toAbsolutePath());
    assertThat(config.metadata().embedded()).isTrue();
    assertThat(config.pkcs11()).isEqualTo(new Pkcs11Config(Path.of("/usr/lib/softhsm/libsofthsm2.so"),
        "trent-dev", "", false, 4, 10_000, GcmIvSource.TOKEN_RNG, 5_000));
    assertThat(config.pkcs11Pin()).isNull();
    assertThat(config.pinFile()).isEqualTo(config.dataDir().resolve("pin"));
    assertThat(config.soPinFile()).isEqualTo(config.dataDir().resolve("so-pin"));
  }

  @Test
  void fileOverridesOnlyTheKeysItSets() throws Exception {
    TrentConfig config = TrentConfig.load(yaml("""
        server: {port: 5000}
        identity: {region: eu-west-1, accountId: 444455556666}
        auth: {mode: DEV}
        dataDir: /srv/trent
        pkcs11: {tokenLabel: prod, pinFile: /etc/trent/pin, ivSource: hsm_generated}
        """), Map.of());

    assertThat(config.server().port()).isEqualTo(5000);
    assertThat(config.server().hsmWorkers()).isEqualTo(2);
    assertThat(config.identity().region()).isEqualTo("eu-west-1");
    assertThat(config.identity().accountId()).isEqualTo("444455556666");
    assertThat(config.identity().partition()).isEqualTo("aws");
    assertThat(config.dataDir()).isEqualTo(Path.of("/srv/trent"));
    assertThat(config.pkcs11().tokenLabel()).isEqualTo("prod");
    assertThat(config.pkcs11().ivSource()).isEqualTo(GcmIvSource.HSM_GENERATED);
    assertThat(config.pkcs11().sessionPoolSize()).isEqualTo(4);
    assertThat(config.pinFile()).isEqualTo(Path.of("/etc/trent/pin"));
  }

  @Test
  void environmentOverridesTheFile() throws Exception {
    TrentConfig config = TrentConfig.load(yaml("server: {port: 5000}\n"), Map.of(
        "TRENT_SERVER_PORT", "6000",
        "TRENT_SERVER_MAX_REQUEST_BYTES", "1024",
        "TRENT_IDENTITY_ACCOUNT_ID", "999988887777",
        "TRENT_DATA_DIR", "/tmp/trent-data",
        "TRENT_METADATA_JDBC_URL", "jdbc:postgresql://db/trent",
        "TRENT_METADATA_PASSWORD", "db-secret",
        "TRENT_PKCS11_TOKEN_LABEL", "from-env",
        "TRENT_PKCS11_AUTO_PROVISION", "true",
        "TRENT_PKCS11_LIBRARY", "/opt/hsm/lib.so",
        "UNRELATED", "x"));

    assertThat(config.server().port()).isEqualTo(6000);
    assertThat(config.server().maxRequestBytes()).isEqualTo(1024);
    assertThat(config.identity().accountId()).isEqualTo("999988887777");
    assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/trent-data"));
    assertThat(config.metadata().jdbcUrl()).isEqualTo("jdbc:postgresql://db/trent");
    assertThat(config.metadata().password()).isEqualTo("db-secret");
    assertThat(config.pkcs11().tokenLabel()).isEqualTo("from-env");
    assertThat(config.pkcs11().autoProvision()).isTrue();
    assertThat(config.pkcs11().library()).isEqualTo(Path.of("/opt/hsm/lib.so"));
  }

  @Test
  void metadataPoolWaitsAndAPasswordFileComeFromTheSection() throws Exception {
    Path passwordFile = dir.resolve("metadata-password");
    SecretFile.create(passwordFile, Secret.of("from-a-file"));
    TrentConfig config = TrentConfig.load(yaml("metadata: {jdbcUrl: \"jdbc:postgresql://db:5432/trent?user=trent\","
        + " passwordFile: " + passwordFile + ", poolSize: 8, connectionTimeoutMillis: 2000}\n"),
        Map.of("TRENT_METADATA_STATEMENT_TIMEOUT_MILLIS", "3000"));

    MetadataConfig metadata = config.metadata();
    assertThat(metadata.embedded()).isFalse();
    assertThat(metadata.settings()).isEqualTo(new io.trent.metadata.jdbc.StoreSettings(8,
        java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(3)));
    assertThat(metadata.resolvedPassword()).isEqualTo("from-a-file");
    assertThat(metadata.toString()).doesNotContain("from-a-file");
    // The variable wins over the file: a password given both ways is the variable's.
    assertThat(TrentConfig.load(yaml("metadata: {passwordFile: " + passwordFile + "}\n"),
        Map.of("TRENT_METADATA_PASSWORD", "from-env")).metadata().resolvedPassword()).isEqualTo("from-env");
    assertThat(metadata.withJdbcUrl("jdbc:postgresql://other/trent").jdbcUrl()).isEqualTo("jdbc:postgresql://other/trent");
    assertThat(TrentConfig.defaults(Map.of()).metadata().settings()).isEqualTo(io.trent.metadata.jdbc.StoreSettings.DEFAULTS);
    assertThatThrownBy(() -> TrentConfig.load(yaml("metadata: {poolSize: 0}\n"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("metadata.poolSize");
    assertThatThrownBy(() -> TrentConfig.load(yaml("metadata: {connectionTimeoutMillis: 10}\n"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("metadata.connectionTimeoutMillis");
  }

  @Test
  void commandLineOverridesComeLast() {
    TrentConfig config = TrentConfig.defaults(Map.of("TRENT_SERVER_PORT", "6000"))
        .withPort(0)
        .withDataDir(dir);

    assertThat(config.server().port()).isZero();
    assertThat(config.dataDir()).isEqualTo(dir);
    assertThat(config.pinFile()).isEqualTo(dir.resolve("pin"));
  }

  @Test
  void pinFromTheEnvironmentIsKeptButNeverPrinted() {
    TrentConfig config = TrentConfig.defaults(Map.of("TRENT_PKCS11_PIN", "1234-pin",
        "TRENT_METADATA_PASSWORD", "db-secret"));

    assertThat(config.pkcs11Pin().chars()).containsExactly("1234-pin".toCharArray());
    assertThat(config.toString()).doesNotContain("1234-pin", "db-secret");
  }

  @Test
  void unknownKeysAreRejected() throws Exception {
    assertThatThrownBy(() -> TrentConfig.load(yaml("srever: {port: 1}\n"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("srever");
    assertThatThrownBy(() -> TrentConfig.load(yaml("server: {prot: 1}\n"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("prot");
    assertThatThrownBy(() -> TrentConfig.load(yaml("pkcs11: {pin: \"1234\"}\n"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("pin");
  }

  @Test
  void invalidValuesAreRejectedWithTheKey() throws Exception {
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_SERVER_PORT", "70000")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("server.port");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_SERVER_PORT", "abc")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("server");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_IDENTITY_ACCOUNT_ID", "123")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("identity.accountId");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_PKCS11_IV_SOURCE", "CLOCK")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("pkcs11").hasMessageContaining("TOKEN_RNG");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_AUTH_MODE", "none")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_PKCS11_TOKEN_LABEL", "x".repeat(33))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("pkcs11.tokenLabel");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_PKCS11_OBJECT_CHECK_INTERVAL_MILLIS", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("pkcs11.objectCheckIntervalMillis");
    assertThatThrownBy(() -> TrentConfig.load(dir.resolve("absent.yaml"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not found");
  }

  @Test
  void allowedHostsAndOriginsComeFromTheFileOrACommaSeparatedVariable() throws Exception {
    TrentConfig fromFile = TrentConfig.load(yaml("""
        server:
          allowedHosts: [KMS.Example.com, "::1", "[fd00::5]"]
          allowedOrigins: ["https://Console.Example.com:8443"]
        """), Map.of());
    TrentConfig fromEnv = TrentConfig.defaults(Map.of(
        "TRENT_SERVER_ALLOWED_HOSTS", "kms.example.com, localhost,",
        "TRENT_SERVER_ALLOWED_ORIGINS", "https://a.example"));

    assertThat(fromFile.server().allowedHosts()).containsExactly("kms.example.com", "[::1]", "[fd00::5]");
    assertThat(fromFile.server().allowedOrigins()).containsExactly("https://console.example.com:8443");
    assertThat(fromEnv.server().allowedHosts()).containsExactly("kms.example.com", "localhost");
    assertThat(fromEnv.server().allowedOrigins()).containsExactly("https://a.example");
  }

  @Test
  void hostsWithAPortOriginsWithAPathAndATooSmallByteBoundAreRejected() {
    for (String host : new String[] {"localhost:4599", "*", "kms.example.com/", "a b", "[::1]:80", "user@host"}) {
      assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_SERVER_ALLOWED_HOSTS", "localhost," + host)))
          .as(host).isInstanceOf(ConfigException.class).hasMessageContaining("server.allowedHosts");
    }
    for (String origin : new String[] {"console.example.com", "https://console.example.com/app", "*", "https://"}) {
      assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_SERVER_ALLOWED_ORIGINS", origin)))
          .as(origin).isInstanceOf(ConfigException.class).hasMessageContaining("server.allowedOrigins");
    }
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_SERVER_HSM_QUEUE_BYTES", "1000")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("server.hsmQueueBytes");
  }

  @Test
  void authRegionsDefaultToUsEast1AndMustNameRegions() {
    assertThat(TrentConfig.defaults(Map.of()).auth().regions()).containsExactly("us-east-1");
    assertThat(TrentConfig.defaults(Map.of("TRENT_AUTH_REGIONS", "us-east-1,eu-west-1")).auth().regions())
        .containsExactly("us-east-1", "eu-west-1");
    assertThatThrownBy(() -> new AuthConfig(AuthMode.SIGV4, List.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.regions");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_AUTH_REGIONS", "US East")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.regions");
  }

  @Test
  void authServicesNameIntegratedServicePrincipals() throws Exception {
    assertThat(TrentConfig.defaults(Map.of()).auth().services()).isEmpty();
    Path file = dir.resolve("services.yaml");
    Files.writeString(file, "auth:\n  mode: sigv4\n  services:\n"
        + "    - {principal: 'arn:aws:iam::111122223333:role/s3-gateway', service: s3}\n"
        + "    - principal: arn:aws:iam::111122223333:user/backup\n      service: backup-gateway\n");
    List<ServiceIntegration> services = TrentConfig.load(file, Map.of()).auth().services();
    assertThat(services).containsExactly(new ServiceIntegration("arn:aws:iam::111122223333:role/s3-gateway", "s3"),
        new ServiceIntegration("arn:aws:iam::111122223333:user/backup", "backup-gateway"));
    assertThat(services.get(0).viaService("eu-west-1")).isEqualTo("s3.eu-west-1.amazonaws.com");

    for (String bad : new String[] {"{principal: 'arn:aws:iam::111122223333:root', service: s3}",
        "{principal: 'arn:aws:iam::111122223333:group/g', service: s3}", "{principal: 'arn:aws:iam::111122223333:role/x'}",
        "{principal: 'arn:aws:iam::111122223333:role/x', service: 'S3.amazonaws.com'}"}) {
      Files.writeString(file, "auth:\n  services: [" + bad + "]\n");
      assertThatThrownBy(() -> TrentConfig.load(file, Map.of())).as(bad)
          .isInstanceOf(ConfigException.class).hasMessageContaining("auth.services");
    }
    Files.writeString(file, "auth:\n  services: [{principal: 'arn:aws:iam::111122223333:role/x', service: s3},"
        + " {principal: 'arn:aws:iam::111122223333:role/x', service: rds}]\n");
    assertThatThrownBy(() -> TrentConfig.load(file, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("listed twice");
  }

  @Test
  void shippedConfigurationsLoad() {
    TrentConfig production = TrentConfig.load(Path.of("../conf/trent.yaml"), Map.of());
    TrentConfig dev = TrentConfig.load(Path.of("../conf/trent-dev.yaml"), Map.of());

    assertThat(production.pkcs11().autoProvision()).isFalse();
    assertThat(production.auth()).isEqualTo(new AuthConfig(AuthMode.SIGV4, List.of("us-east-1")));
    assertThat(dev.auth().mode()).isEqualTo(AuthMode.DEV);
    assertThat(TrentConfig.load(Path.of("../conf/trent-dev.yaml"), Map.of("TRENT_AUTH_MODE", "sigv4")).auth().mode())
        .as("./trent dev --auth sigv4").isEqualTo(AuthMode.SIGV4);
    assertThat(production.server().host()).isEqualTo("127.0.0.1");
    assertThat(dev.pkcs11().autoProvision()).isTrue();
    assertThat(dev.pkcs11().tokenLabel()).isEqualTo("trent-dev");
    assertThat(dev.server().port()).isEqualTo(4599);
    // Production logs are for collectors; ./trent dev stays readable.
    assertThat(production.server().logFormat()).isEqualTo(LogFormat.JSON);
    assertThat(dev.server().logFormat()).isEqualTo(LogFormat.TEXT);
    assertThat(production.server().metrics()).isTrue();
  }

  @Test
  void metricsAndLogFormatAreServerKeysWithEnvironmentOverrides() {
    TrentConfig defaults = TrentConfig.defaults(Map.of());
    TrentConfig overridden =
        TrentConfig.defaults(Map.of("TRENT_SERVER_LOG_FORMAT", "json", "TRENT_SERVER_METRICS", "false"));

    assertThat(defaults.server().logFormat()).isEqualTo(LogFormat.TEXT);
    assertThat(defaults.server().metrics()).isTrue();
    assertThat(overridden.server().logFormat()).isEqualTo(LogFormat.JSON);
    assertThat(overridden.server().metrics()).isFalse();
    assertThat(overridden.withPort(1).server().logFormat()).isEqualTo(LogFormat.JSON);
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_SERVER_LOG_FORMAT", "xml")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'server'");
  }
}
