package io.trent.core.service;

import io.trent.core.blob.CiphertextBlob;
import io.trent.core.blob.EncryptionContext;
import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.SealedBytes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;

/**
 * Recognises re-imported key material without reading it: made once with the first imported
 * material inside the HSM, then checked against a later import's HSM object.
 *
 * <pre>
 * encoding: material id (32 bytes) || proof
 * proof, SYMMETRIC_DEFAULT: IV (12) || AES-GCM(32 random bytes) with
 *        AAD = CiphertextBlob header(key id, material id) || SHA-256(canonical {"trent:purpose": "import-check"})
 * proof, HMAC_*: HMAC("trent import check " || key id)
 * </pre>
 *
 * A later import that authenticates the ciphertext (or reproduces the MAC) holds the same material,
 * and takes back the original material id, so ciphertexts made before the material was deleted or
 * expired decrypt again.
 */
final class ImportCheck {
  private static final EncryptionContext PURPOSE = EncryptionContext.of(Map.of("trent:purpose", "import-check"));
  private final KeyMaterialId materialId;
  private final byte[] proof;

  private ImportCheck(KeyMaterialId materialId, byte[] proof) {
    this.materialId = materialId;
    this.proof = proof;
  }

  /** Makes the check with freshly imported material, held in the HSM as {@code materialId}. */
  static byte[] make(KeyBackend backend, KmsKey key, KeyMaterialId materialId) {
    byte[] proof;
    if (key.keySpec() == KeySpec.SYMMETRIC_DEFAULT) {
      SealedBytes sealed = backend.encrypt(materialId, backend.generateRandom(32), aad(key, materialId));
      proof = concat(sealed.iv(), sealed.ciphertextAndTag());
    } else {
      proof = mac(backend, key, materialId);
    }
    return concat(materialId.toBytes(), proof);
  }

  /**
   * The AES-GCM encryptions {@link #make} does under the new material: one random IV used, which
   * the material's encryption budget must count like any other (the material starts with this count).
   */
  static long gcmEncryptions(KmsKey key) {
    return key.keySpec() == KeySpec.SYMMETRIC_DEFAULT ? 1 : 0;
  }

  static ImportCheck parse(byte[] encoded) {
    return new ImportCheck(KeyMaterialId.of(Arrays.copyOf(encoded, KeyMaterialId.LENGTH)),
        Arrays.copyOfRange(encoded, KeyMaterialId.LENGTH, encoded.length));
  }

  /** The material id the first import had. */
  KeyMaterialId materialId() {
    return materialId;
  }

  /** Whether the HSM object {@code candidate} holds the same material as the first import. */
  boolean matches(KeyBackend backend, KmsKey key, KeyMaterialId candidate) {
    if (key.keySpec() != KeySpec.SYMMETRIC_DEFAULT) {
      return MessageDigest.isEqual(proof, mac(backend, key, candidate));
    }
    try {
      byte[] iv = Arrays.copyOf(proof, CiphertextBlob.IV_LENGTH);
      byte[] sealed = Arrays.copyOfRange(proof, CiphertextBlob.IV_LENGTH, proof.length);
      Arrays.fill(backend.decrypt(candidate, iv, sealed, aad(key, materialId)), (byte) 0);
      return true;
    } catch (InvalidCiphertextException e) {
      return false;
    }
  }

  private static byte[] aad(KmsKey key, KeyMaterialId materialId) {
    return CiphertextBlob.aad(CiphertextBlob.header(key.keyId(), materialId), PURPOSE);
  }

  private static byte[] mac(KeyBackend backend, KmsKey key, KeyMaterialId object) {
    byte[] message = ("trent import check " + key.keyId()).getBytes(StandardCharsets.UTF_8);
    return backend.mac(object, KeyAlgorithms.macAlgorithms(key.keySpec()).get(0), message);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
