package io.trent.core.api;

import java.util.List;
import java.util.Map;

/** GenerateDataKeyPair(WithoutPlaintext) input. */
public record GenerateDataKeyPairRequest(String keyId, String keyPairSpec, Map<String, String> encryptionContext, List<String> grantTokens, boolean dryRun) {}
