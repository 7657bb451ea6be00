package io.trent.core.key;

import java.time.Instant;

/**
 * The record that a key material's HSM object was destroyed, kept after the key is gone.
 *
 * @param keyId the KMS key the material belonged to
 * @param materialId the destroyed material
 * @param destroyedAt when its HSM object was destroyed
 * @param reason why: KEY_DELETED, IMPORTED_MATERIAL_DELETED or IMPORTED_MATERIAL_EXPIRED
 */
public record KeyDestruction(String keyId, KeyMaterialId materialId, Instant destroyedAt, String reason) {}
