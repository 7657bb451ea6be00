package io.trent.core.key;

import java.time.Instant;

/**
 * One generation of a KMS key's material, held in the HSM under {@link #id()}.
 *
 * @param id the material id (HSM {@code CKA_ID} and ciphertext header field)
 * @param createdAt when it was generated or imported (the rotation date for rotated material)
 * @param current whether new ciphertexts use it
 * @param rotationType null for a key's first material, else AUTOMATIC or ON_DEMAND
 * @param encryptionsReserved AES-GCM encryptions reserved under this material so far (reserved in
 *     blocks ahead of use, so a crash can only over-count); bounds random-IV use
 */
public record KeyMaterial(KeyMaterialId id, Instant createdAt, boolean current, RotationType rotationType,
    long encryptionsReserved) {

  /** A key's first material. */
  public static KeyMaterial initial(KeyMaterialId id, Instant createdAt) {
    return new KeyMaterial(id, createdAt, true, null, 0);
  }

  public KeyMaterial withCurrent(boolean newCurrent) {
    return new KeyMaterial(id, createdAt, newCurrent, rotationType, encryptionsReserved);
  }

  public KeyMaterial withEncryptionsReserved(long reserved) {
    return new KeyMaterial(id, createdAt, current, rotationType, reserved);
  }
}
