package io.trent.core.api;

import java.util.List;
import java.util.Map;

/** Decrypt input; KeyId is optional for symmetric ciphertexts. */
public record DecryptRequest(byte[] ciphertextBlob, Map<String, String> encryptionContext, List<String> grantTokens, String keyId, String encryptionAlgorithm, boolean dryRun) {}
