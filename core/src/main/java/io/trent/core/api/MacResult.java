package io.trent.core.api;

/** GenerateMac output (mac) or VerifyMac output (mac null: it verified). */
public record MacResult(String keyArn, byte[] mac, String macAlgorithm) {}
