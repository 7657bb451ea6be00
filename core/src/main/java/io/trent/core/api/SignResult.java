package io.trent.core.api;

/** Sign output (signature) or Verify output (signature null: it verified). */
public record SignResult(String keyArn, byte[] signature, String signingAlgorithm) {}
