package io.trent.core.spi.contract;

import static io.trent.core.testing.SampleKeys.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.key.ExpirationModel;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.key.RotationType;
import io.trent.core.key.Tag;
import io.trent.core.testing.SampleKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finding the keys with scheduled work due. */
interface MaintenanceContract extends StoreUnderTest {
  Instant NOW = Instant.parse("2025-01-01T00:00:00.000001Z");
  Instant JUST_AFTER = NOW.plusNanos(1_000);
  Instant LONG_AGO = NOW.minus(Duration.ofDays(400));

  @Test
  default void returnsExactlyTheDueKeysOfEachReasonInCreationOrder() {
    // Ids sort against creation order, so the test sees which order the query follows.
    KmsKey rotationDueNow = insert(SampleKeys.key("z-rotation-now").withRotation(365, NOW));
    insert(SampleKeys.key("y-plain"));
    KmsKey deletionDueNow = insert(pendingDeletion("x-deletion-now", NOW));
    insert(pendingDeletion("w-deletion-later", JUST_AFTER));
    KmsKey expiredNow = insert(imported("v-expired-now", NOW));
    insert(SampleKeys.key("u-rotation-later").withRotation(365, JUST_AFTER));
    insert(imported("t-expires-later", JUST_AFTER));
    KmsKey deletionOverdue = insert(pendingDeletion("s-deletion-overdue", LONG_AGO));
    // A deletion date alone does not make a key due: only a PendingDeletion one.
    insert(SampleKeys.key("r-disabled-with-date").withState(KeyState.Disabled, LONG_AGO, 7));
    insert(imported("q-does-not-expire", null));
    KmsKey rotationOverdue = insert(SampleKeys.key("p-rotation-overdue").withRotation(90, LONG_AGO));
    KmsKey expiredLongAgo = insert(imported("o-expired-long-ago", LONG_AGO));

    assertThat(store().findKeysWithMaintenanceDue(NOW)).containsExactly(rotationDueNow, deletionDueNow,
        expiredNow, deletionOverdue, rotationOverdue, expiredLongAgo);
  }

  @Test
  default void listsAKeyDueForSeveralReasonsOnceWithItsMaterialsAndTags() {
    insert(SampleKeys.key("before"));
    KmsKey everything = insert(pendingDeletion("everything", NOW)
        .withRotation(30, LONG_AGO)
        .withImport(ExpirationModel.KEY_MATERIAL_EXPIRES, NOW)
        .withNewCurrentMaterial(new KeyMaterial(SampleKeys.materialId(77), T0, true, RotationType.ON_DEMAND, 12))
        .withTags(List.of(new Tag("b", "2"), new Tag("a", "1"))));
    insert(SampleKeys.key("after").withTags(List.of(new Tag("not", "due"))));

    List<KmsKey> due = store().findKeysWithMaintenanceDue(NOW);

    assertThat(due).containsExactly(everything);
    assertThat(due.get(0).materials()).hasSize(2);
  }

  @Test
  default void aKeyLeavesTheListOnceItsWorkIsDone() {
    KmsKey deletion = insert(pendingDeletion("deletion", NOW));
    KmsKey rotation = insert(SampleKeys.key("rotation").withRotation(365, NOW));
    KmsKey expiry = insert(imported("expiry", NOW));
    assertThat(store().findKeysWithMaintenanceDue(NOW)).containsExactly(deletion, rotation, expiry);

    store().updateKey(deletion.withState(KeyState.Disabled, null, null));
    store().updateKey(rotation.withRotation(365, NOW.plus(Duration.ofDays(365))));
    store().updateKey(expiry.withState(KeyState.PendingImport, null, null).withMaterials(List.of())
        .withImport(null, null));

    assertThat(store().findKeysWithMaintenanceDue(NOW)).isEmpty();
    assertThat(store().findKeysWithMaintenanceDue(NOW.plus(Duration.ofDays(365)))).hasSize(1);
  }

  @Test
  default void findsNothingInAnEmptyStoreOrBeforeAnythingIsDue() {
    assertThat(store().findKeysWithMaintenanceDue(NOW)).isEmpty();
    insert(pendingDeletion("later", JUST_AFTER));
    assertThat(store().findKeysWithMaintenanceDue(NOW)).isEmpty();
    assertThat(store().findKeysWithMaintenanceDue(JUST_AFTER)).hasSize(1);
  }

  private KmsKey insert(KmsKey key) {
    store().insertKey(key);
    return key;
  }

  private static KmsKey pendingDeletion(String keyId, Instant deletionDate) {
    return SampleKeys.key(keyId).withState(KeyState.PendingDeletion, deletionDate, 7);
  }

  private static KmsKey imported(String keyId, Instant validTo) {
    return SampleKeys.key(keyId).withImport(validTo == null ? ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE
        : ExpirationModel.KEY_MATERIAL_EXPIRES, validTo);
  }
}
