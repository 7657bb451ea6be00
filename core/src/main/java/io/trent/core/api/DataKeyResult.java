package io.trent.core.api;


/** A data key: its plaintext (zeroed by the caller after use) and its ciphertext. */
public record DataKeyResult(byte[] ciphertextBlob, byte[] plaintext, String keyArn, String keyMaterialId) {}
