package io.trent.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.audit.AuditSettings;
import io.trent.audit.AuditSync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code audit} section: directory, node id and rotation, from defaults, file and environment. */
class AuditConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsWriteUnderTheDataDirectoryAsHostAndPortWithADigestEveryMinute() {
    TrentConfig config = TrentConfig.defaults(Map.of()).withDataDir(dir);
    AuditSettings settings = config.audit().settings(config.dataDir(), 4599);
    assertThat(settings.directory()).isEqualTo(dir.resolve("audit"));
    assertThat(settings.nodeId()).endsWith("-4599").matches("[A-Za-z0-9._-]+");
    assertThat(settings.digestInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.maxFileBytes()).isEqualTo(64L << 20);
    assertThat(settings.maxFileAge()).isEqualTo(Duration.ofHours(1));
    assertThat(settings.sync()).isEqualTo(AuditSync.BATCH);
    assertThat(settings.syncInterval()).isEqualTo(Duration.ofMillis(100));
    // Port 0 (any free port): the process id, so two such servers on one data directory still differ.
    assertThat(config.audit().settings(dir, 0).nodeId()).endsWith("-pid" + ProcessHandle.current().pid());
  }

  @Test
  void theFileAndTheEnvironmentSetIt() throws Exception {
    Path file = dir.resolve("trent.yaml");
    Files.writeString(file, "audit: {directory: " + dir.resolve("trail") + ", nodeId: kms1}\n");
    TrentConfig config = TrentConfig.load(file, Map.of("TRENT_AUDIT_DIGEST_INTERVAL_MILLIS", "1000"));
    AuditSettings settings = config.audit().settings(config.dataDir(), 4599);
    assertThat(settings.directory()).isEqualTo(dir.resolve("trail"));
    assertThat(settings.nodeId()).isEqualTo("kms1");
    assertThat(settings.digestInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void refusesADigestIntervalOverAMinuteAndBadNodeIds() {
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_AUDIT_DIGEST_INTERVAL_MILLIS", "60001")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("audit.digestIntervalMillis must be 1 to 60000");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_AUDIT_NODE_ID", "../etc")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("audit.nodeId");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_AUDIT_MAX_FILE_BYTES", "100")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("audit.maxFileBytes");
  }

  @Test
  void intervalSyncIsChosenByFileOrEnvironmentForTheServerAndTheCliChain() throws Exception {
    Path file = dir.resolve("trent.yaml");
    Files.writeString(file, "audit: {sync: interval}\n");
    TrentConfig config = TrentConfig.load(file, Map.of("TRENT_AUDIT_SYNC_INTERVAL_MILLIS", "250"));
    AuditSettings settings = config.audit().settings(config.dataDir(), 4599);
    assertThat(settings.sync()).isEqualTo(AuditSync.INTERVAL);
    assertThat(settings.syncInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.audit().cliSettings(config.dataDir()).sync()).isEqualTo(AuditSync.INTERVAL);
    assertThat(TrentConfig.defaults(Map.of("TRENT_AUDIT_SYNC", "BATCH")).audit().sync()).isEqualTo(AuditSync.BATCH);
  }

  @Test
  void refusesAnUnknownSyncModeAndASyncIntervalOutOfRange() {
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_AUDIT_SYNC", "never")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("audit");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_AUDIT_SYNC_INTERVAL_MILLIS", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("audit.syncIntervalMillis must be 1 to 60000");
    assertThatThrownBy(() -> TrentConfig.defaults(Map.of("TRENT_AUDIT_SYNC_INTERVAL_MILLIS", "60001")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("audit.syncIntervalMillis");
  }
}
