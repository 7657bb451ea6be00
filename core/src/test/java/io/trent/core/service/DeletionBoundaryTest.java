package io.trent.core.service;

import static io.trent.core.testing.Scopes.ROOT;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.KmsServices;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.api.DecryptRequest;
import io.trent.core.api.EncryptRequest;
import io.trent.core.error.KmsInternalException;
import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.error.NotFoundException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.testing.FaultInjectingKeyBackend;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The deletion date is the boundary between CancelKeyDeletion and destruction, and a cancel racing
 * with maintenance either wins (nothing is destroyed) or fails (never a success while the key is
 * destroyed). A node whose clock is behind is simulated by moving the clock back during the race.
 */
class DeletionBoundaryTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  private static final Duration SKEW = Duration.ofDays(2);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FaultInjectingKeyBackend backend = new FaultInjectingKeyBackend();
  private final InMemoryMetadataStore store = new InMemoryMetadataStore();
  private final KmsServices kms = KmsServices.create(backend, store, IDENTITY, clock);

  private KmsKey keyPendingDeletion() {
    KmsKey key = newKey();
    kms.keys().scheduleKeyDeletion(ROOT, key.keyId(), 7);
    return key;
  }

  private KmsKey newKey() {
    return kms.keys().createKey(ROOT, new CreateKeyRequest(null, null, null, null, null, null, null, null, false, null));
  }

  private KeyMaterialId material(KmsKey key) {
    return key.currentMaterial().orElseThrow().id();
  }

  private String pendingDeletion(KmsKey key) {
    return IDENTITY.home().keyArn(key.keyId()).value() + " is pending deletion.";
  }

  /** CancelKeyDeletion from a node whose clock is {@link #SKEW} behind. */
  private String cancelFromASlowClock(KmsKey key) {
    clock.advance(SKEW.negated());
    try {
      return kms.keys().cancelKeyDeletion(ROOT, key.keyId());
    } finally {
      clock.advance(SKEW);
    }
  }

  @Test
  void cancellingIsRefusedFromTheDeletionDateOnEvenBeforeMaintenanceRuns() {
    KmsKey early = keyPendingDeletion();
    KmsKey late = keyPendingDeletion();
    clock.advance(Duration.ofDays(7).minusMillis(1));
    assertThat(kms.keys().cancelKeyDeletion(ROOT, early.keyId())).isEqualTo(IDENTITY.home().keyArn(early.keyId()).value());
    assertThat(kms.keys().describeKey(ROOT, early.keyId()).state()).isEqualTo(KeyState.Disabled);

    clock.advance(Duration.ofMillis(1));
    assertThatThrownBy(() -> kms.keys().cancelKeyDeletion(ROOT, late.keyId()))
        .isInstanceOf(KmsInvalidStateException.class).hasMessage(pendingDeletion(late));
    assertThat(kms.keys().describeKey(ROOT, late.keyId()).state()).isEqualTo(KeyState.PendingDeletion);
    assertThatThrownBy(() -> kms.crypto().encrypt(ROOT, new EncryptRequest(late.keyId(), new byte[] {1}, null, null, null, false)))
        .isInstanceOf(KmsInvalidStateException.class).hasMessage(pendingDeletion(late));

    assertThat(kms.maintenance().runDue().keysDestroyed()).isEqualTo(1);
    assertThat(backend.keyExists(material(late))).isFalse();
    assertThat(backend.keyExists(material(early))).isTrue();
  }

  @Test
  void aCancelAfterDestructionBeganFailsAndTheKeyIsDestroyed() {
    KmsKey key = keyPendingDeletion();
    clock.advance(Duration.ofDays(8));
    // Maintenance has marked the key and is destroying its HSM objects when the cancel arrives.
    backend.beforeNextDestroy(() -> assertThatThrownBy(() -> cancelFromASlowClock(key))
        .isInstanceOf(KmsInvalidStateException.class).hasMessage(pendingDeletion(key)));
    assertThat(kms.maintenance().runDue().keysDestroyed()).isEqualTo(1);
    assertThat(backend.keyExists(material(key))).isFalse();
    assertThatThrownBy(() -> kms.keys().describeKey(ROOT, key.keyId())).isInstanceOf(NotFoundException.class);
  }

  @Test
  void aCancelThatWinsBeforeDestructionBeginsKeepsTheKeyAndItsMaterial() {
    KmsKey key = newKey();
    byte[] blob = kms.crypto().encrypt(ROOT, new EncryptRequest(key.keyId(), new byte[] {7}, null, null, null, false))
        .ciphertextBlob();
    kms.keys().scheduleKeyDeletion(ROOT, key.keyId(), 7);
    clock.advance(Duration.ofDays(8));
    // Maintenance has read the key as due; the cancel commits before maintenance acts on it.
    store.afterNextMaintenanceQuery(() -> cancelFromASlowClock(key));
    MaintenanceService.Report report = kms.maintenance().runDue();
    assertThat(report.keysDestroyed()).isZero();
    assertThat(report.failures()).isZero();
    assertThat(backend.keyExists(material(key))).isTrue();
    assertThat(kms.keys().describeKey(ROOT, key.keyId()).state()).isEqualTo(KeyState.Disabled);
    kms.keys().enableKey(ROOT, key.keyId());
    assertThat(kms.crypto().decrypt(ROOT, new DecryptRequest(blob, null, null, null, null, false)).plaintext())
        .containsExactly(7);
  }

  @Test
  void anInterruptedDestructionStaysCommittedAndResumesAtTheNextRun() {
    KmsKey key = keyPendingDeletion();
    clock.advance(Duration.ofDays(8));
    backend.beforeNextDestroy(() -> {
      throw new KmsInternalException("injected HSM fault: C_DestroyObject failed");
    });
    assertThat(kms.maintenance().runDue().failures()).isEqualTo(1);
    assertThat(backend.keyExists(material(key))).isTrue();
    assertThat(kms.keys().describeKey(ROOT, key.keyId()).state()).isEqualTo(KeyState.PendingDeletion);
    assertThatThrownBy(() -> cancelFromASlowClock(key))
        .isInstanceOf(KmsInvalidStateException.class).hasMessage(pendingDeletion(key));

    assertThat(kms.maintenance().runDue().keysDestroyed()).isEqualTo(1);
    assertThat(backend.keyExists(material(key))).isFalse();
    assertThat(kms.keys().destructions(key.keyId())).singleElement()
        .satisfies(d -> assertThat(d.materialId()).isEqualTo(material(key)));
  }
}
