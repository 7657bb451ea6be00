package io.trent.core.api;

import java.util.List;
import java.util.Map;

/** GenerateDataKey and GenerateDataKeyWithoutPlaintext input; enum members stay strings until validated. */
public record GenerateDataKeyRequest(String keyId, String keySpec, Integer numberOfBytes, Map<String, String> encryptionContext, List<String> grantTokens, boolean dryRun) {}
