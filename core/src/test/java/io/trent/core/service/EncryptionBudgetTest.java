package io.trent.core.service;

import static io.trent.core.testing.Scopes.ROOT;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.KmsPolicy;
import io.trent.core.KmsServices;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.api.DecryptRequest;
import io.trent.core.api.EncryptRequest;
import io.trent.core.api.GenerateDataKeyPairRequest;
import io.trent.core.api.GenerateDataKeyRequest;
import io.trent.core.api.ReEncryptRequest;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.error.LimitExceededException;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyState;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.testing.FaultInjectingKeyBackend;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The AES-GCM encryption budget with a small bound: every AES-GCM encryption counts, imported
 * material is never rotated and is refused past the limit, a failed rotation of generated material
 * is retried, and the limit is never exceeded.
 */
class EncryptionBudgetTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  /** Rotate at the 3rd encryption under one material, never more than 5, reserve 2 at a time. */
  private static final KmsPolicy POLICY = new KmsPolicy(3, 5, 2, 25);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FaultInjectingKeyBackend backend = new FaultInjectingKeyBackend();
  private final InMemoryMetadataStore store = new InMemoryMetadataStore();
  private KmsServices kms = KmsServices.create(backend, store, IDENTITY, clock, POLICY);

  /** An EXTERNAL key holding (software) material, as ImportKeyMaterial leaves it. */
  private KmsKey importedKey() {
    String keyId = UUID.randomUUID().toString();
    KeyMaterialId material = KeyMaterialId.of(backend.generateRandom(KeyMaterialId.LENGTH));
    backend.createSymmetricKey(material, keyId);
    KmsKey key = KmsKey.create(IDENTITY.home(), keyId, clock.instant(), "", KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT,
        Origin.EXTERNAL, KeyState.Enabled, List.of(KeyMaterial.initial(material, clock.instant())), List.of(), null);
    store.insertKey(key);
    return key;
  }

  private KmsKey generatedKey() {
    return kms.keys().createKey(ROOT, new CreateKeyRequest(null, null, null, null, null, null, null, null, false, null));
  }

  private byte[] encrypt(KmsKey key, int b) {
    return kms.crypto().encrypt(ROOT, new EncryptRequest(key.keyId(), new byte[] {(byte) b}, null, null, null, false))
        .ciphertextBlob();
  }

  private byte[] decrypt(byte[] blob) {
    return kms.crypto().decrypt(ROOT, new DecryptRequest(blob, null, null, null, null, false)).plaintext();
  }

  private List<KeyMaterial> materials(KmsKey key) {
    return store.findKey(key.keyId()).orElseThrow().materials();
  }

  /** The five AES-GCM encryptions a symmetric KMS key does, each under its current material. */
  private List<Supplier<Object>> everyEncryptingOperation(KmsKey key, byte[] otherKeysBlob) {
    String id = key.keyId();
    return List.of(
        () -> encrypt(key, 1),
        () -> kms.dataKeys().generateDataKey(ROOT, new GenerateDataKeyRequest(id, "AES_256", null, null, null, false)),
        () -> kms.dataKeys().generateDataKeyWithoutPlaintext(ROOT, new GenerateDataKeyRequest(id, null, 16, null, null, false)),
        () -> kms.dataKeys().generateDataKeyPair(ROOT, new GenerateDataKeyPairRequest(id, "ECC_NIST_P256", null, null, false)),
        () -> kms.crypto().reEncrypt(ROOT, new ReEncryptRequest(otherKeysBlob, null, null, id, null, null, null, null, false)));
  }

  @Test
  void anImportedKeyIsNeverRotatedAndEveryEncryptionPastTheLimitIsRefused() {
    KmsKey imported = importedKey();
    KeyMaterialId material = imported.currentMaterial().orElseThrow().id();
    byte[] otherKeysBlob = encrypt(generatedKey(), 9);
    int generations = backend.keyGenerations();

    // Encrypt, GenerateDataKey, ...WithoutPlaintext, GenerateDataKeyPair and ReEncrypt: 5, the limit.
    for (Supplier<Object> operation : everyEncryptingOperation(imported, otherKeysBlob)) {
      operation.get();
    }
    assertThat(backend.keyGenerations()).as("no HSM key generated for an imported key").isEqualTo(generations);
    assertThat(materials(imported)).singleElement().satisfies(m -> {
      assertThat(m.id()).isEqualTo(material);
      assertThat(m.encryptionsReserved()).isEqualTo(5);
    });

    String message = "The encryption limit of the imported key material has been reached for the given keyId. "
        + "No more encryptions can be performed with this key material; import new key material into a new KMS key: "
        + IDENTITY.home().keyArn(imported.keyId()).value();
    for (Supplier<Object> operation : everyEncryptingOperation(imported, otherKeysBlob)) {
      assertThatThrownBy(operation::get).isInstanceOf(LimitExceededException.class).hasMessage(message)
          .satisfies(e -> assertThat(((KmsException) e).httpStatus()).isEqualTo(400));
    }
    assertThat(materials(imported)).singleElement().satisfies(m -> assertThat(m.id()).isEqualTo(material));

    // The count is stored: a restarted server refuses too.
    kms = KmsServices.create(backend, store, IDENTITY, clock, POLICY);
    assertThatThrownBy(() -> encrypt(imported, 1)).isInstanceOf(LimitExceededException.class).hasMessage(message);
  }

  @Test
  void aFailedBudgetRotationIsRetriedAndTheLimitIsNeverExceeded() {
    KmsKey key = generatedKey();
    KeyMaterialId first = key.currentMaterial().orElseThrow().id();
    backend.failKeyGeneration(true);
    int generations = backend.keyGenerations();
    List<byte[]> blobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      blobs.add(encrypt(key, i)); // the 3rd asks for a rotation, which fails; the encryption goes ahead
    }
    assertThat(backend.keyGenerations()).as("one attempt, then a pause before the retry").isEqualTo(generations + 1);
    assertThat(materials(key)).singleElement();

    assertThatThrownBy(() -> encrypt(key, 6)).isInstanceOf(KmsInternalException.class)
        .hasMessage("The encryption limit of the current key material has been reached and the key could not be "
            + "rotated yet; retry later: " + IDENTITY.home().keyArn(key.keyId()).value())
        .satisfies(e -> assertThat(((KmsException) e).isRetryable()).isTrue());

    // The HSM recovers; after the pause the next encryption rotates and goes ahead under the new material.
    backend.failKeyGeneration(false);
    clock.advance(EncryptionBudget.ROTATION_RETRY);
    blobs.add(encrypt(key, 5));
    assertThat(backend.keyGenerations()).isEqualTo(generations + 2);
    assertThat(materials(key)).hasSize(2);
    KeyMaterialId second = store.findKey(key.keyId()).orElseThrow().currentMaterial().orElseThrow().id();
    assertThat(second).isNotEqualTo(first);
    assertThat(materials(key).get(0).encryptionsReserved()).as("never beyond the limit").isEqualTo(5);
    for (int i = 0; i < blobs.size(); i++) {
      assertThat(decrypt(blobs.get(i))).containsExactly(i);
    }
  }

  @Test
  void aGeneratedKeyIsRotatedAtTheSoftBoundWithoutRefusingAnything() {
    KmsKey key = generatedKey();
    KeyMaterialId first = key.currentMaterial().orElseThrow().id();
    for (int i = 0; i < 20; i++) {
      encrypt(key, i);
    }
    assertThat(materials(key)).hasSizeGreaterThanOrEqualTo(5).allSatisfy(m ->
        assertThat(m.encryptionsReserved()).isLessThanOrEqualTo(5));
    assertThat(materials(key).get(0).id()).isEqualTo(first);
  }

  /** Two nodes count on their own (docs/deployment.md), but neither lowers what the other reserved in the store. */
  @Test
  void theLimitHoldsForAllNodesTogether() {
    KmsKey key = importedKey();
    KmsServices other = KmsServices.create(backend, store, IDENTITY, clock, POLICY);
    EncryptRequest request = new EncryptRequest(key.keyId(), new byte[] {1}, null, null, null, false);
    other.crypto().encrypt(ROOT, request); // the other node takes encryptions 1-2 and uses 1
    for (int i = 0; i < 3; i++) {
      kms.crypto().encrypt(ROOT, request); // this one takes 3-4, then 5 (the limit), and uses them
    }
    assertThat(reserved(key)).isEqualTo(5);

    other.crypto().encrypt(ROOT, request); // its 2nd: still its own
    // Five encryptions in all: the other node's next one is past the limit, though it did only two.
    assertThatThrownBy(() -> other.crypto().encrypt(ROOT, request)).isInstanceOf(LimitExceededException.class);
    assertThatThrownBy(() -> kms.crypto().encrypt(ROOT, request)).isInstanceOf(LimitExceededException.class);
    assertThat(reserved(key)).isEqualTo(5);
  }

  @Test
  void generatedMaterialIsRotatedWhenAllNodesTogetherReachTheThreshold() {
    KmsKey key = generatedKey();
    KmsServices other = KmsServices.create(backend, store, IDENTITY, clock, POLICY);
    KeyMaterialId first = key.currentMaterial().orElseThrow().id();
    encrypt(key, 1); // encryptions 1-2 are this node's
    other.crypto().encrypt(ROOT, new EncryptRequest(key.keyId(), new byte[] {2}, null, null, null, false)); // 3
    // The 3rd encryption in all reached the threshold, on the node that did only one.
    assertThat(materials(key)).hasSize(2);
    assertThat(store.findKey(key.keyId()).orElseThrow().currentMaterial().orElseThrow().id()).isNotEqualTo(first);
  }

  private long reserved(KmsKey key) {
    return store.findKey(key.keyId()).orElseThrow().materials().get(0).encryptionsReserved();
  }
}
