package io.trent.core.service;

import io.trent.core.blob.CiphertextBlob;
import io.trent.core.blob.EncryptionContext;
import io.trent.core.catalog.KeyUsePolicy;
import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.key.DataKeyPairSpec;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.GeneratedDataKey;
import io.trent.core.spi.GeneratedKeyPair;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.SealedBytes;
import java.util.function.Supplier;

/** Symmetric KMS-key encryption in the {@link CiphertextBlob} format, done by the key backend. */
final class SymmetricCipher {
  private final KeyBackend backend;
  private final EncryptionBudget budget;

  SymmetricCipher(KeyBackend backend, EncryptionBudget budget) {
    this.backend = backend;
    this.budget = budget;
  }

  /** A sealed ciphertext, and the material it was sealed under. */
  record Sealed(byte[] blob, KeyMaterialId materialId) {}

  /** A fresh data key and its ciphertext. */
  record DataKey(byte[] plaintext, byte[] blob, KeyMaterialId materialId) {}

  /** A fresh key pair and the ciphertext of its private key. */
  record KeyPair(byte[] publicKey, byte[] privateKey, byte[] blob, KeyMaterialId materialId) {}

  Sealed encrypt(KmsKey key, byte[] plaintext, EncryptionContext context) {
    KeyMaterialId material = currentMaterial(key);
    byte[] header = CiphertextBlob.header(key.keyId(), material);
    SealedBytes sealed = inHsm(key, () -> backend.encrypt(material, plaintext, CiphertextBlob.aad(header, context)));
    return new Sealed(CiphertextBlob.assemble(header, sealed.iv(), sealed.ciphertextAndTag()), material);
  }

  DataKey generateDataKey(KmsKey key, int length, EncryptionContext context) {
    KeyMaterialId material = currentMaterial(key);
    byte[] header = CiphertextBlob.header(key.keyId(), material);
    GeneratedDataKey generated =
        inHsm(key, () -> backend.generateDataKey(material, length, CiphertextBlob.aad(header, context)));
    SealedBytes sealed = generated.sealed();
    return new DataKey(generated.plaintext(),
        CiphertextBlob.assemble(header, sealed.iv(), sealed.ciphertextAndTag()), material);
  }

  KeyPair generateDataKeyPair(KmsKey key, DataKeyPairSpec spec, EncryptionContext context) {
    KeyMaterialId material = currentMaterial(key);
    byte[] header = CiphertextBlob.header(key.keyId(), material);
    GeneratedKeyPair pair =
        inHsm(key, () -> backend.generateDataKeyPair(material, spec, CiphertextBlob.aad(header, context)));
    SealedBytes sealed = pair.sealedPrivateKey();
    return new KeyPair(pair.publicKeyDer(), pair.privateKeyDer(),
        CiphertextBlob.assemble(header, sealed.iv(), sealed.ciphertextAndTag()), material);
  }

  /** Decrypts a parsed blob whose key the caller has resolved and checked. */
  byte[] decrypt(KmsKey key, CiphertextBlob blob, EncryptionContext context) {
    KeyMaterial material = key.material(blob.materialId()).orElseThrow(InvalidCiphertextException::new);
    return inHsm(key, () -> backend.decrypt(material.id(), blob.iv(), blob.ciphertextAndTag(),
        CiphertextBlob.aad(blob.header(), context)));
  }

  private <T> T inHsm(KmsKey key, Supplier<T> call) {
    return KeyUsePolicy.inHsm(() -> key.arn().value(), call);
  }

  /** The material a new ciphertext uses, with the encryption accounted for. */
  private KeyMaterialId currentMaterial(KmsKey key) {
    KeyMaterialId id = key.currentMaterial()
        .orElseThrow(() -> new KmsInternalException("key " + key.keyId() + " has no current key material"))
        .id();
    return budget.consume(key, id);
  }
}
