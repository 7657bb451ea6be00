package io.trent.core.api;

import java.time.Instant;

/** GetParametersForImport output. */
public record ImportParameters(String keyArn, byte[] importToken, byte[] publicKey, Instant parametersValidTo) {}
