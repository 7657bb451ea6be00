package io.trent.core.api;

import java.util.List;
import java.util.Map;

/** Encrypt input. */
public record EncryptRequest(String keyId, byte[] plaintext, Map<String, String> encryptionContext, List<String> grantTokens, String encryptionAlgorithm, boolean dryRun) {}
