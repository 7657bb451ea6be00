package io.trent.core.key;

import java.time.Instant;

/**
 * One generation of a KMS key's material, held in the HSM under {@link #id()}.
 *
 * @param id the material id (HSM {@code CKA_ID} and ciphertext header field)
 * @param createdAt when it was generated
 * @param current whether new ciphertexts use it
 */
public record KeyMaterial(KeyMaterialId id, Instant createdAt, boolean current) {}
