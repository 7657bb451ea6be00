package io.trent.metadata.jdbc;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.key.Alias;
import io.trent.core.key.ImportToken;
import io.trent.core.key.KeyDestruction;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyState;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import io.trent.core.key.RotationType;
import io.trent.core.key.Tag;
import io.trent.core.key.WrappingAlgorithm;
import io.trent.core.key.WrappingKeySpec;
import io.trent.core.testing.SampleKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the SPI cannot show: deleting a key leaves none of its rows in any table (the contract suite tests the rest). */
class KeyDeletionTest {
  private static final Instant DESTROYED_AT = Instant.parse("2025-02-03T04:05:06.789012Z");

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
  void deletesTheKeyWithEverythingOfItsAndRecordsEachMaterialsDestruction() {
    KmsKey doomed = rotatedTwice("doomed");
    KmsKey survivor = SampleKeys.key("survivor").withTags(List.of(new Tag("keep", "me")));
    store.insertKey(doomed);
    store.insertKey(survivor);
    store.insertAlias(new Alias(SampleKeys.HOME, "alias/doomed-1", "doomed", T0, T0));
    store.insertAlias(new Alias(SampleKeys.HOME, "alias/doomed-2", "doomed", T0, T0));
    store.insertAlias(new Alias(SampleKeys.HOME, "alias/survivor", "survivor", T0, T0));
    store.insertImportToken(token("doomed-token", "doomed"));
    store.insertImportToken(token("survivor-token", "survivor"));

    store.deleteKey("doomed", DESTROYED_AT);

    assertThat(store.findKey("doomed")).isEmpty();
    assertThat(store.listKeys(SampleKeys.HOME, 10, null).items()).containsExactly(survivor);
    assertThat(store.findAlias(SampleKeys.HOME, "alias/doomed-1")).isEmpty();
    assertThat(store.findAlias(SampleKeys.HOME, "alias/doomed-2")).isEmpty();
    assertThat(store.listAliases(SampleKeys.HOME, null, 10, null).items()).extracting(Alias::name)
        .containsExactly("alias/survivor");
    assertThat(store.findImportToken("doomed-token")).isEmpty();
    assertThat(store.findImportToken("survivor-token")).isPresent();
    for (String table : List.of("keys", "key_materials", "key_tags", "aliases", "import_tokens")) {
      assertThat(Tables.rowsOfKey(dataDir, table, "doomed")).as(table).isZero();
      assertThat(Tables.rowsOfKey(dataDir, table, "survivor")).as(table).isPositive();
    }
    assertThat(store.listDestructions("doomed")).containsExactly(
        new KeyDestruction("doomed", SampleKeys.materialId(1), DESTROYED_AT, "KEY_DELETED"),
        new KeyDestruction("doomed", SampleKeys.materialId(2), DESTROYED_AT, "KEY_DELETED"),
        new KeyDestruction("doomed", SampleKeys.materialId(3), DESTROYED_AT, "KEY_DELETED"));
    assertThat(store.listDestructions("survivor")).isEmpty();
    assertThat(store.findKey("survivor")).contains(survivor);
  }

  /** A key with three materials (initial, automatic, on-demand), tags, and pending deletion. */
  static KmsKey rotatedTwice(String keyId) {
    return KmsKey.create(SampleKeys.HOME, keyId, T0, "to be deleted", KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT,
            Origin.AWS_KMS, KeyState.Enabled, List.of(KeyMaterial.initial(SampleKeys.materialId(1), T0)), List.of(new Tag("team", "x")), null)
        .withNewCurrentMaterial(new KeyMaterial(SampleKeys.materialId(2), T0.plus(Duration.ofDays(365)), true,
            RotationType.AUTOMATIC, 100))
        .withNewCurrentMaterial(new KeyMaterial(SampleKeys.materialId(3), T0.plus(Duration.ofDays(400)), true,
            RotationType.ON_DEMAND, 0))
        .withState(KeyState.PendingDeletion, T0.plus(Duration.ofDays(407)), 7);
  }

  private static ImportToken token(String tokenId, String keyId) {
    return new ImportToken(tokenId, keyId, "wrap-" + tokenId, WrappingAlgorithm.RSAES_OAEP_SHA_256,
        WrappingKeySpec.RSA_2048, T0.plus(Duration.ofHours(24)));
  }
}
