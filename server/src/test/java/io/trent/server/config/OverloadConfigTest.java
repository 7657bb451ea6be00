package io.trent.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.key.DataKeyPairSpec;
import io.trent.server.quota.RequestQuotas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kms.quotas} and {@code pkcs11.keyPairPool}: off by default, from a file or one environment variable. */
class OverloadConfigTest {
  @TempDir Path dir;

  @Test
  void quotasAreOffAndThePoolEmptyByDefault() {
    TrentConfig config = TrentConfig.defaults(Map.of());
    assertThat(config.kms().quotas()).isEqualTo(QuotaConfig.OFF);
    assertThat(config.kms().quotas().rates()).isEmpty();
    assertThat(config.pkcs11().keyPairPool()).isEmpty();
  }

  @Test
  void enabledQuotasAreAwsDefaultsWithTheConfiguredRatesOverThem() throws Exception {
    Path file = dir.resolve("trent.yaml");
    Files.writeString(file, """
        kms:
          quotas:
            enabled: true
            requestsPerSecond: {CreateKey: 20, GenerateDataKeyPair.RSA_2048: 0.5}
        pkcs11: {keyPairPool: {RSA_2048: 8, RSA_3072: 2}}
        """);
    TrentConfig config = TrentConfig.load(file, Map.of());
    Map<String, Double> rates = config.kms().quotas().rates();
    assertThat(rates).containsEntry("CreateKey", 20.0).containsEntry("GenerateDataKeyPair.RSA_2048", 0.5)
        .containsEntry(RequestQuotas.SYMMETRIC, 10_000.0).containsEntry("GenerateDataKeyPair.RSA_4096", 1.0)
        .containsEntry("DescribeKey", 2000.0);
    assertThat(config.pkcs11().keyPairPool())
        .isEqualTo(Map.of(DataKeyPairSpec.RSA_2048, 8, DataKeyPairSpec.RSA_3072, 2));
    assertThat(config.pkcs11().sessionPoolSize()).as("other pkcs11 keys keep their defaults").isEqualTo(4);
  }

  @Test
  void oneVariableSetsAMappingInYamlFlowStyle() {
    TrentConfig config = TrentConfig.defaults(Map.of(
        "TRENT_KMS_QUOTAS", "{enabled: true, requestsPerSecond: {DescribeKey: 0.2}}",
        "TRENT_PKCS11_KEY_PAIR_POOL", "{ECC_NIST_P256: 4}"));
    assertThat(config.kms().quotas().rates()).containsEntry("DescribeKey", 0.2);
    assertThat(config.pkcs11().keyPairPool()).isEqualTo(Map.of(DataKeyPairSpec.ECC_NIST_P256, 4));
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_PKCS11_KEY_PAIR_POOL", "[RSA_2048]")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("TRENT_PKCS11_KEY_PAIR_POOL must be a YAML mapping");
  }

  @Test
  void unknownQuotasSpecsAndBadSizesAreRefused() {
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_KMS_QUOTAS", "{requestsPerSecond: {Encrypt: 5}}")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown quota 'Encrypt'");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_KMS_QUOTAS",
        "{requestsPerSecond: {CreateKey: -1}}"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be a positive number");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_PKCS11_KEY_PAIR_POOL", "{RSA_1024: 1}")))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_PKCS11_KEY_PAIR_POOL", "{RSA_2048: 5000}")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("between 0 and 1024");
  }
}
