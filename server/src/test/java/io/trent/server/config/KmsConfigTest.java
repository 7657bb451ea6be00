package io.trent.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.KmsPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code kms} section: service limits and the maintenance interval, from defaults, file and environment. */
class KmsConfigTest {
  @TempDir Path dir;

  private Path yaml(String text) throws Exception {
    Path file = dir.resolve("trent.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaultsAreTheDefaultPolicyAndAMinute() {
    KmsConfig kms = TrentConfig.defaults(Map.of()).kms();

    assertThat(kms).isEqualTo(new KmsConfig(25, 1L << 30, 1L << 32, 60_000, 50_000));
    assertThat(kms.policy()).isEqualTo(KmsPolicy.DEFAULT);
    assertThat(kms.maintenanceInterval()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void theFileSetsTheLimitsAndTheEnvironmentOverridesIt() throws Exception {
    Path file = yaml("""
        kms: {onDemandRotationLimit: 10, gcmRotationThreshold: 1000, gcmEncryptionLimit: 4000}
        """);
    KmsConfig fromFile = TrentConfig.load(file, Map.of()).kms();
    KmsConfig fromEnv = TrentConfig.load(file, Map.of(
        "TRENT_KMS_ON_DEMAND_ROTATION_LIMIT", "0",
        "TRENT_KMS_GCM_ROTATION_THRESHOLD", "5",
        "TRENT_KMS_GCM_ENCRYPTION_LIMIT", "4294967296",
        "TRENT_KMS_MAINTENANCE_INTERVAL_MILLIS", "250")).kms();

    assertThat(fromFile.policy()).isEqualTo(new KmsPolicy(1000, 4000, 3, 10));
    assertThat(fromFile.maintenanceIntervalMillis()).as("not in the file: the default").isEqualTo(60_000);
    assertThat(fromEnv.policy()).isEqualTo(new KmsPolicy(5, 1L << 32, 1L << 20, 0));
    assertThat(fromEnv.maintenanceInterval()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aLowerLimitReservesSmallerBlocksSoThatRestartsCannotUseItUp() {
    // A restart counts a whole reserved block as used: at most 1/1024 of the limit, at least 1.
    assertThat(TrentConfig.defaults(Map.of("TRENT_KMS_GCM_ROTATION_THRESHOLD", "262144",
        "TRENT_KMS_GCM_ENCRYPTION_LIMIT", "1048576")).kms().policy()
        .encryptionReservationBlock()).isEqualTo(1024);
    assertThat(TrentConfig.defaults(Map.of("TRENT_KMS_GCM_ROTATION_THRESHOLD", "3",
        "TRENT_KMS_GCM_ENCRYPTION_LIMIT", "5")).kms().policy().encryptionReservationBlock()).isEqualTo(1);
  }

  @Test
  void theRotationPointMustComeBeforeTheLimit() {
    for (String threshold : new String[] {"4000", "4001"}) {
      assertThatThrownBy(() -> TrentConfig.defaults(Map.of(
          "TRENT_KMS_GCM_ROTATION_THRESHOLD", threshold, "TRENT_KMS_GCM_ENCRYPTION_LIMIT", "4000")))
          .isInstanceOf(ConfigException.class)
          .hasMessage("kms.gcmRotationThreshold (" + threshold + ") must be less than kms.gcmEncryptionLimit (4000)");
    }
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_KMS_GCM_ROTATION_THRESHOLD", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kms.gcmRotationThreshold must be at least 1");
  }

  @Test
  void theLimitIsAtMostTheRandomIvBound() {
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_KMS_GCM_ENCRYPTION_LIMIT", "4294967297")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("kms.gcmEncryptionLimit (4294967297) must be at most 2^32 (4294967296), the NIST SP 800-38D "
            + "bound for random 96-bit AES-GCM IVs");
  }

  @Test
  void negativeCountsZeroIntervalsAndNonNumbersAreRejectedWithTheKey() throws Exception {
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_KMS_ON_DEMAND_ROTATION_LIMIT", "-1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kms.onDemandRotationLimit");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_KMS_MAINTENANCE_INTERVAL_MILLIS", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kms.maintenanceIntervalMillis");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_KMS_GCM_ENCRYPTION_LIMIT", "lots")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'kms' section");
    assertThatThrownBy(() -> TrentConfig.load(yaml("kms: {maxOnDemandRotations: 10}\n"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("maxOnDemandRotations");
  }

  @Test
  void theShippedProductionFileStatesTheDefaults() {
    assertThat(TrentConfig.load(Path.of("../conf/trent.yaml"), Map.of()).kms())
        .isEqualTo(TrentConfig.defaults(Map.of()).kms());
  }
}
