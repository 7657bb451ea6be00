package io.trent.core.service;

import static io.trent.core.testing.Scopes.ROOT;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.api.DecryptRequest;
import io.trent.core.api.EncryptRequest;
import io.trent.core.api.MacRequest;
import io.trent.core.error.DisabledException;
import io.trent.core.error.InvalidKeyUsageException;
import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsInvalidMacException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.LimitExceededException;
import io.trent.core.error.NotFoundException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.key.RotationType;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.MutableClock;
import io.trent.core.testing.SoftwareKeyBackend;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Rotation, the AES-GCM encryption budget, scheduled deletion and HSM-object loss, on SPI doubles. */
class KeyLifecycleTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final SoftwareKeyBackend backend = new SoftwareKeyBackend();
  private final InMemoryMetadataStore store = new InMemoryMetadataStore();
  private final KmsServices kms = KmsServices.create(backend, store, IDENTITY, clock, new KmsPolicy(5, 2, 3));

  private KmsKey newKey(String spec, String usage) {
    return kms.keys().createKey(ROOT, new CreateKeyRequest(null, null, usage, null, spec, null, null, null, false, null));
  }

  private byte[] encrypt(KmsKey key, int b) {
    return kms.crypto().encrypt(ROOT, new EncryptRequest(key.keyId(), new byte[] {(byte) b}, null, null, null, false)).ciphertextBlob();
  }

  private byte[] decrypt(byte[] blob) {
    return kms.crypto().decrypt(ROOT, new DecryptRequest(blob, null, null, null, null, false)).plaintext();
  }

  private KeyMaterialId current(KmsKey key) {
    return kms.keys().describeKey(ROOT, key.keyId()).currentMaterial().orElseThrow().id();
  }

  @Test
  void onDemandRotationMakesNewMaterialCurrentAndOldCiphertextsStillDecrypt() {
    KmsKey key = newKey(null, null);
    byte[] before = encrypt(key, 1);
    KeyMaterialId first = current(key);
    kms.rotation().rotateKeyOnDemand(ROOT, key.keyId());
    KeyMaterialId second = current(key);
    assertThat(second).isNotEqualTo(first);
    byte[] after = encrypt(key, 2);
    assertThat(decrypt(before)).containsExactly(1);
    assertThat(decrypt(after)).containsExactly(2);
    var rotations = kms.rotation().listKeyRotations(ROOT, key.keyId(), null, null).rotations().items();
    assertThat(rotations).extracting(m -> m.rotationType()).containsExactly(RotationType.ON_DEMAND);
    assertThat(rotations.get(0).id()).isEqualTo(second);
  }

  @Test
  void onDemandRotationsAreLimitedPerKey() {
    KmsKey key = newKey(null, null);
    for (int i = 0; i < 3; i++) {
      kms.rotation().rotateKeyOnDemand(ROOT, key.keyId());
    }
    assertThatThrownBy(() -> kms.rotation().rotateKeyOnDemand(ROOT, key.keyId()))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("The on-demand rotations limit has been reached for the given keyId. No more on-demand "
            + "rotations can be performed for this key: " + IDENTITY.home().keyArn(key.keyId()).value());
  }

  @Test
  void rotationOfDisabledOrNonSymmetricKeysIsRefused() {
    KmsKey hmac = newKey("HMAC_256", "GENERATE_VERIFY_MAC");
    assertThatThrownBy(() -> kms.rotation().rotateKeyOnDemand(ROOT, hmac.keyId()))
        .isInstanceOf(KmsUnsupportedOperationException.class)
        .satisfies(e -> assertThat(((KmsUnsupportedOperationException) e).awsMessage()).isNull());
    KmsKey key = newKey(null, null);
    kms.keys().disableKey(ROOT, key.keyId());
    assertThatThrownBy(() -> kms.rotation().rotateKeyOnDemand(ROOT, key.keyId())).isInstanceOf(DisabledException.class);
  }

  @Test
  void automaticRotationRunsWhenItsDateComes() {
    KmsKey key = newKey(null, null);
    kms.rotation().enableKeyRotation(ROOT, key.keyId(), 90);
    var status = kms.rotation().getKeyRotationStatus(ROOT, key.keyId());
    assertThat(status.enabled()).isTrue();
    assertThat(status.nextRotationDate()).isEqualTo(clock.instant().plus(Duration.ofDays(90)));
    byte[] old = encrypt(key, 7);
    KeyMaterialId first = current(key);

    clock.advance(Duration.ofDays(89));
    assertThat(kms.maintenance().runDue().keysRotated()).isZero();
    clock.advance(Duration.ofDays(1));
    assertThat(kms.maintenance().runDue().keysRotated()).isEqualTo(1);
    assertThat(current(key)).isNotEqualTo(first);
    assertThat(kms.rotation().getKeyRotationStatus(ROOT, key.keyId()).nextRotationDate())
        .isEqualTo(clock.instant().plus(Duration.ofDays(90)));
    assertThat(decrypt(old)).containsExactly(7);
    assertThat(kms.rotation().listKeyRotations(ROOT, key.keyId(), null, null).rotations().items())
        .extracting(m -> m.rotationType()).containsExactly(RotationType.AUTOMATIC);
  }

  @Test
  void theEncryptionBudgetRotatesTheKeyBeforeRandomIvsWearOut() {
    KmsKey key = newKey(null, null);
    KeyMaterialId first = current(key);
    byte[][] blobs = new byte[6][];
    for (int i = 0; i < 6; i++) {
      blobs[i] = encrypt(key, i);
    }
    // The policy rotates at the 5th encryption under one material; reservations are persisted ahead.
    assertThat(current(key)).isNotEqualTo(first);
    assertThat(store.findKey(key.keyId()).orElseThrow().material(first).orElseThrow().encryptionsReserved())
        .isGreaterThanOrEqualTo(5);
    for (int i = 0; i < 6; i++) {
      assertThat(decrypt(blobs[i])).containsExactly(i);
    }
  }

  @Test
  void aScheduledDeletionDestroysTheHsmObjectsWhenItsWindowPasses() {
    KmsKey key = newKey(null, null);
    kms.aliases().createAlias(ROOT, "alias/doomed", key.keyId());
    KeyMaterialId material = current(key);
    kms.keys().scheduleKeyDeletion(ROOT, key.keyId(), 7);
    clock.advance(Duration.ofDays(7).minusSeconds(1));
    assertThat(kms.maintenance().runDue().keysDestroyed()).isZero();
    assertThat(backend.keyExists(material)).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(kms.maintenance().runDue().keysDestroyed()).isEqualTo(1);
    assertThat(backend.keyExists(material)).isFalse();
    assertThatThrownBy(() -> kms.keys().describeKey(ROOT, key.keyId())).isInstanceOf(NotFoundException.class)
        .hasMessage("Key '" + IDENTITY.home().keyArn(key.keyId()).value() + "' does not exist");
    assertThatThrownBy(() -> kms.keys().describeKey(ROOT, "alias/doomed")).isInstanceOf(NotFoundException.class);
    assertThat(kms.keys().destructions(key.keyId())).singleElement()
        .satisfies(d -> {
          assertThat(d.materialId()).isEqualTo(material);
          assertThat(d.destroyedAt()).isEqualTo(clock.instant());
          assertThat(d.reason()).isEqualTo("KEY_DELETED");
        });
  }

  @Test
  void aKeyWhoseHsmObjectIsGoneIsUnavailable() {
    KmsKey key = newKey(null, null);
    backend.destroyKey(current(key));
    assertThat(kms.keys().describeKey(ROOT, key.keyId()).state()).isEqualTo(KeyState.Unavailable);
    assertThatThrownBy(() -> encrypt(key, 1)).isInstanceOf(KeyUnavailableException.class)
        .hasMessage(IDENTITY.home().keyArn(key.keyId()).value() + " is unavailable.");
  }

  @Test
  void aKeyIsUnavailableWhileTheHsmIsAwayAndItselfOnceItIsBack() {
    KmsKey key = newKey(null, null);
    backend.setAway(true);
    assertThat(kms.keys().describeKey(ROOT, key.keyId()).state()).isEqualTo(KeyState.Unavailable);
    backend.setAway(false);
    assertThat(kms.keys().describeKey(ROOT, key.keyId()).state()).isEqualTo(KeyState.Enabled);
  }

  @Test
  void macsVerifyAndMismatchesAreInvalidMac() {
    KmsKey key = newKey("HMAC_256", "GENERATE_VERIFY_MAC");
    byte[] mac = kms.macs().generateMac(ROOT, new MacRequest(key.keyId(), new byte[] {1, 2}, "HMAC_SHA_256", null, null, false)).mac();
    kms.macs().verifyMac(ROOT, new MacRequest(key.keyId(), new byte[] {1, 2}, "HMAC_SHA_256", mac, null, false));
    mac[0] ^= 1;
    assertThatThrownBy(() -> kms.macs().verifyMac(ROOT, new MacRequest(key.keyId(), new byte[] {1, 2}, "HMAC_SHA_256", mac, null, false)))
        .isInstanceOf(KmsInvalidMacException.class);
    assertThatThrownBy(() -> kms.macs().generateMac(ROOT, new MacRequest(key.keyId(), new byte[] {1}, "HMAC_SHA_512", null, null, false)))
        .isInstanceOf(InvalidKeyUsageException.class).hasMessage("Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256.");
    KmsKey symmetric = newKey(null, null);
    assertThatThrownBy(() -> kms.macs().generateMac(ROOT, new MacRequest(symmetric.keyId(), new byte[] {1}, "HMAC_SHA_256", null, null, false)))
        .isInstanceOf(InvalidKeyUsageException.class)
        .hasMessage(IDENTITY.home().keyArn(symmetric.keyId()).value() + " key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.");
    assertThatThrownBy(() -> encrypt(key, 1)).isInstanceOf(InvalidKeyUsageException.class)
        .hasMessage(IDENTITY.home().keyArn(key.keyId()).value() + " key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.");
  }
}
