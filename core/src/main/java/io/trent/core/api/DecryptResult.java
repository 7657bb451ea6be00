package io.trent.core.api;


/** Decrypt output. */
public record DecryptResult(String keyArn, byte[] plaintext, String encryptionAlgorithm, String keyMaterialId) {}
