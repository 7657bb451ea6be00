package io.trent.core.api;


/** Encrypt output. */
public record EncryptResult(byte[] ciphertextBlob, String keyArn, String encryptionAlgorithm) {}
