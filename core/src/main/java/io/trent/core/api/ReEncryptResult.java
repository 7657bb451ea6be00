package io.trent.core.api;


/** ReEncrypt output. */
public record ReEncryptResult(byte[] ciphertextBlob, String sourceKeyArn, String keyArn, String sourceEncryptionAlgorithm, String destinationEncryptionAlgorithm, String sourceKeyMaterialId, String destinationKeyMaterialId) {}
