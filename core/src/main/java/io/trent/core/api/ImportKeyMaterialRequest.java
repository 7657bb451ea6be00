package io.trent.core.api;

import java.time.Instant;

/** ImportKeyMaterial input. */
public record ImportKeyMaterialRequest(String keyId, byte[] importToken, byte[] encryptedKeyMaterial, Instant validTo,
    String expirationModel) {}
