package io.trent.core.api;

import java.util.List;
import java.util.Map;

/** ReEncrypt input. */
public record ReEncryptRequest(byte[] ciphertextBlob, Map<String, String> sourceEncryptionContext, String sourceKeyId, String destinationKeyId, Map<String, String> destinationEncryptionContext, String sourceEncryptionAlgorithm, String destinationEncryptionAlgorithm, List<String> grantTokens, boolean dryRun) {}
