package io.trent.core.api;

import java.util.List;

/** GenerateMac and VerifyMac input; {@code mac} is null for GenerateMac. */
public record MacRequest(String keyId, byte[] message, String macAlgorithm, byte[] mac, List<String> grantTokens,
    boolean dryRun) {}
