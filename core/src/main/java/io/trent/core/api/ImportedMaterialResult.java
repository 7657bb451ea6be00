package io.trent.core.api;

import io.trent.core.key.KeyMaterialId;

/**
 * ImportKeyMaterial and DeleteImportedKeyMaterial output.
 *
 * @param keyArn the KMS key
 * @param materialId the imported, or deleted, key material; null when a deletion found none
 */
public record ImportedMaterialResult(String keyArn, KeyMaterialId materialId) {}
