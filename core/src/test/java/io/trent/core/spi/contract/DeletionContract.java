package io.trent.core.spi.contract;

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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deleting keys and recording the destruction of their material. */
interface DeletionContract extends StoreUnderTest {
  Instant DESTROYED_AT = Instant.parse("2025-02-03T04:05:06.789012Z");

  @Test
  default void deletesTheKeyWithEverythingOfItsAndRecordsEachMaterialsDestruction() {
    KmsKey doomed = rotatedTwice("doomed");
    KmsKey survivor = SampleKeys.key("survivor").withTags(List.of(new Tag("keep", "me")));
    store().insertKey(doomed);
    store().insertKey(survivor);
    store().insertAlias(new Alias(SampleKeys.HOME, "alias/doomed-1", "doomed", T0, T0));
    store().insertAlias(new Alias(SampleKeys.HOME, "alias/doomed-2", "doomed", T0, T0));
    store().insertAlias(new Alias(SampleKeys.HOME, "alias/survivor", "survivor", T0, T0));
    store().insertImportToken(token("doomed-token", "doomed"));
    store().insertImportToken(token("survivor-token", "survivor"));

    store().deleteKey("doomed", DESTROYED_AT);

    assertThat(store().findKey("doomed")).isEmpty();
    assertThat(store().listKeys(SampleKeys.HOME, 10, null).items()).containsExactly(survivor);
    assertThat(store().findAlias(SampleKeys.HOME, "alias/doomed-1")).isEmpty();
    assertThat(store().findAlias(SampleKeys.HOME, "alias/doomed-2")).isEmpty();
    assertThat(store().listAliases(SampleKeys.HOME, null, 10, null).items()).extracting(Alias::name)
        .containsExactly("alias/survivor");
    assertThat(store().findImportToken("doomed-token")).isEmpty();
    assertThat(store().findImportToken("survivor-token")).isPresent();
    assertThat(store().listDestructions("doomed")).containsExactly(
        new KeyDestruction("doomed", SampleKeys.materialId(1), DESTROYED_AT, "KEY_DELETED"),
        new KeyDestruction("doomed", SampleKeys.materialId(2), DESTROYED_AT, "KEY_DELETED"),
        new KeyDestruction("doomed", SampleKeys.materialId(3), DESTROYED_AT, "KEY_DELETED"));
    assertThat(store().listDestructions("survivor")).isEmpty();
    assertThat(store().findKey("survivor")).contains(survivor);
  }

  @Test
  default void theDeletionAndItsRecordsSurviveAReopen() {
    store().insertKey(rotatedTwice("doomed"));
    store().insertAlias(new Alias(SampleKeys.HOME, "alias/doomed", "doomed", T0, T0));
    store().insertImportToken(token("doomed-token", "doomed"));
    store().deleteKey("doomed", DESTROYED_AT);
    reopen();

    assertThat(store().findKey("doomed")).isEmpty();
    assertThat(store().findAlias(SampleKeys.HOME, "alias/doomed")).isEmpty();
    assertThat(store().findImportToken("doomed-token")).isEmpty();
    assertThat(store().listDestructions("doomed")).extracting(KeyDestruction::materialId)
        .containsExactly(SampleKeys.materialId(1), SampleKeys.materialId(2), SampleKeys.materialId(3));
  }

  @Test
  default void deletingAnAbsentKeyIsANoOp() {
    store().insertKey(SampleKeys.key("other"));

    store().deleteKey("never-was", DESTROYED_AT);
    store().deleteKey("other", DESTROYED_AT);
    store().deleteKey("other", DESTROYED_AT.plusSeconds(1));

    assertThat(store().listDestructions("never-was")).isEmpty();
    assertThat(store().listDestructions("other")).hasSize(1);
  }

  @Test
  default void deletesAKeyWithoutMaterialOrAnything() {
    store().insertKey(KmsKey.create(SampleKeys.HOME, "bare", T0, "", KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT,
        Origin.EXTERNAL, KeyState.PendingImport, List.of(), List.of(), null));

    store().deleteKey("bare", DESTROYED_AT);

    assertThat(store().findKey("bare")).isEmpty();
    assertThat(store().listDestructions("bare")).isEmpty();
  }

  @Test
  default void destructionRecordsListOldestFirstAcrossRecordingAndDeletion() {
    KmsKey key = rotatedTwice("byok");
    store().insertKey(key);
    KeyDestruction expired = new KeyDestruction("byok", SampleKeys.materialId(9), T0.plusSeconds(10),
        "IMPORTED_MATERIAL_EXPIRED");
    // Recorded later but dated earlier: the listing follows recording order.
    KeyDestruction deleted = new KeyDestruction("byok", SampleKeys.materialId(8), T0, "IMPORTED_MATERIAL_DELETED");
    store().recordDestruction(expired);
    store().recordDestruction(deleted);
    store().recordDestruction(new KeyDestruction("unrelated", SampleKeys.materialId(1), T0, "KEY_DELETED"));

    assertThat(store().listDestructions("byok")).containsExactly(expired, deleted);
    assertThat(store().findKey("byok")).contains(key);

    store().deleteKey("byok", DESTROYED_AT);
    assertThat(store().listDestructions("byok")).hasSize(5).startsWith(expired, deleted)
        .extracting(KeyDestruction::reason)
        .containsExactly("IMPORTED_MATERIAL_EXPIRED", "IMPORTED_MATERIAL_DELETED", "KEY_DELETED", "KEY_DELETED",
            "KEY_DELETED");
    assertThat(store().listDestructions("unrelated")).hasSize(1);
  }

  @Test
  default void recordsADestructionForAKeyNotOrNoLongerStored() {
    KeyDestruction orphan = new KeyDestruction("gone", SampleKeys.materialId(4), T0, "IMPORTED_MATERIAL_DELETED");

    store().recordDestruction(orphan);

    assertThat(store().listDestructions("gone")).containsExactly(orphan);
  }

  @Test
  default void aDeletedKeyIdCanBeStoredAgainAndKeepsTheOldRecords() {
    store().insertKey(SampleKeys.key("reused"));
    store().deleteKey("reused", DESTROYED_AT);

    KmsKey again = SampleKeys.key("reused").withDescription("second life");
    store().insertKey(again);

    assertThat(store().findKey("reused")).contains(again);
    assertThat(store().listDestructions("reused")).hasSize(1);
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
