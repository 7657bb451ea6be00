package io.trent.metadata.jdbc;

import static io.trent.metadata.jdbc.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.key.Alias;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyState;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import io.trent.core.key.Tag;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStorageTest {
  @TempDir Path dataDir;
  private JdbcMetadataStore store;

  @BeforeEach
  void open() {
    store = JdbcMetadataStore.openEmbedded(dataDir);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void roundTripsEveryField() {
    KmsKey key = new KmsKey("1234abcd-12ab-34cd-56ef-1234567890ab", T0, "payroll signing key",
        KeySpec.RSA_2048, KeyUsage.SIGN_VERIFY, Origin.EXTERNAL, KeyState.PendingDeletion,
        T0.plus(Duration.ofDays(7)), 7,
        List.of(
            new KeyMaterial(SampleKeys.materialId(1), T0, false),
            new KeyMaterial(SampleKeys.materialId(2), T0.plusSeconds(60), true),
            new KeyMaterial(SampleKeys.materialId(3), T0.plusSeconds(120), false)),
        List.of(new Tag("zeta", "last by name"), new Tag("alpha", ""), new Tag("mid", "ünïcødé")));

    store.insertKey(key);

    assertThat(store.findKey(key.keyId())).contains(key);
    assertThat(store.findKey(key.keyId()).orElseThrow().currentMaterial().orElseThrow().id())
        .isEqualTo(SampleKeys.materialId(2));
  }

  @Test
  void roundTripsNullDeletionDateAndEmptyMaterialsAndTags() {
    KmsKey key = new KmsKey("pending-import", T0, "", KeySpec.SYMMETRIC_DEFAULT,
        KeyUsage.ENCRYPT_DECRYPT, Origin.EXTERNAL, KeyState.PendingImport, null, null, List.of(), List.of());

    store.insertKey(key);

    assertThat(store.findKey("pending-import")).contains(key);
  }

  @Test
  void readsBackMillisecondAndMicrosecondInstantsEqual() {
    Instant millis = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant micros = Instant.parse("2030-12-31T23:59:59.123456Z");
    KmsKey key = new KmsKey("precise", millis, "", KeySpec.HMAC_256, KeyUsage.GENERATE_VERIFY_MAC,
        Origin.AWS_KMS, KeyState.PendingDeletion, micros, 30,
        List.of(new KeyMaterial(SampleKeys.materialId(9), micros, true)), List.of());
    store.insertKey(key);
    store.insertAlias(new Alias("alias/precise", "precise", millis, micros));

    KmsKey found = store.findKey("precise").orElseThrow();
    assertThat(found.createdAt()).isEqualTo(millis);
    assertThat(found.deletionDate()).isEqualTo(micros);
    assertThat(found.materials().get(0).createdAt()).isEqualTo(micros);
    assertThat(store.findAlias("alias/precise"))
        .contains(new Alias("alias/precise", "precise", millis, micros));
  }

  @Test
  void findsNothingForAnUnknownKey() {
    assertThat(store.findKey("no-such-key")).isEmpty();
  }

  @Test
  void updateReplacesMutableFieldsMaterialsAndTags() {
    KmsKey original = SampleKeys.key("rotating");
    store.insertKey(original);
    KmsKey rotated = new KmsKey("rotating", T0, "now rotated", KeySpec.SYMMETRIC_DEFAULT,
        KeyUsage.ENCRYPT_DECRYPT, Origin.AWS_KMS, KeyState.PendingDeletion, T0.plus(Duration.ofDays(30)), 30,
        List.of(
            new KeyMaterial(original.materials().get(0).id(), T0, false),
            new KeyMaterial(SampleKeys.materialId(42), T0.plusSeconds(3600), true)),
        List.of(new Tag("team", "payments"), new Tag("env", "prod")));

    store.updateKey(rotated);
    assertThat(store.findKey("rotating")).contains(rotated);

    KmsKey cancelled = rotated.withState(KeyState.Disabled, null, null);
    store.updateKey(new KmsKey(cancelled.keyId(), cancelled.createdAt(), cancelled.description(),
        cancelled.keySpec(), cancelled.keyUsage(), cancelled.origin(), cancelled.state(), null, null,
        cancelled.materials(), List.of(new Tag("env", "prod"))));
    KmsKey found = store.findKey("rotating").orElseThrow();
    assertThat(found.state()).isEqualTo(KeyState.Disabled);
    assertThat(found.deletionDate()).isNull();
    assertThat(found.pendingWindowDays()).isNull();
    assertThat(found.materials()).isEqualTo(rotated.materials());
    assertThat(found.tags()).containsExactly(new Tag("env", "prod"));
  }

  @Test
  void updateKeepsImmutableFields() {
    KmsKey original = SampleKeys.key("fixed");
    store.insertKey(original);

    store.updateKey(new KmsKey("fixed", T0.plusSeconds(1), "", KeySpec.RSA_4096, KeyUsage.SIGN_VERIFY,
        Origin.EXTERNAL, KeyState.Enabled, null, null, original.materials(), List.of()));

    assertThat(store.findKey("fixed")).contains(original);
  }

  @Test
  void updateOfAnUnknownKeyFailsAndChangesNothing() {
    assertThatThrownBy(() -> store.updateKey(SampleKeys.key("ghost")))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.findKey("ghost")).isEmpty();
  }

  @Test
  void persistsAcrossCloseAndReopen() {
    KmsKey first = SampleKeys.key("first");
    store.insertKey(first);
    store.insertAlias(new Alias("alias/first", "first", T0, T0));
    store.close();
    assertThat(dataDir.resolve("metadata").resolve("trent.mv.db")).isRegularFile();

    store = JdbcMetadataStore.openEmbedded(dataDir);
    KmsKey second = SampleKeys.key("second");
    store.insertKey(second);

    assertThat(store.findKey("first")).contains(first);
    assertThat(store.findAlias("alias/first")).contains(new Alias("alias/first", "first", T0, T0));
    assertThat(store.listKeys(10, null).items()).containsExactly(first, second);
  }

  @Test
  void opensAnyJdbcUrl() {
    String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("other");
    try (JdbcMetadataStore other = JdbcMetadataStore.open(url, "someone", "secret")) {
      other.insertKey(SampleKeys.key("elsewhere"));
    }
    try (JdbcMetadataStore reopened = JdbcMetadataStore.open(url, "someone", "secret")) {
      assertThat(reopened.findKey("elsewhere")).isPresent();
    }
  }
}
