package io.trent.core.api;

import java.util.List;

/** Sign and Verify input; {@code signature} is null for Sign. */
public record SignRequest(String keyId, byte[] message, String messageType, String signingAlgorithm,
    byte[] signature, List<String> grantTokens, boolean dryRun) {}
