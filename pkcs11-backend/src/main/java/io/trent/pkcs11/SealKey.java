package io.trent.pkcs11;

import io.trent.core.key.KeyMaterialId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The name of the token object that seals secrets Trent must read back (secret access keys): a
 * fixed CKA_ID, so every process on the token finds the same object, and a label of its own,
 * {@code trent:credential-seal}, so an HSM administrator tells it from the KMS keys
 * ({@code trent:<key id>}). The id is the SHA-256 of a fixed text: no KMS key's random material id
 * can be it.
 */
final class SealKey {
  static final String LABEL = "credential-seal";
  static final KeyMaterialId ID = KeyMaterialId.of(sha256("trent credential sealing key v1"));

  private SealKey() {}

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
