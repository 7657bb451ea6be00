package io.trent.core.api;

/** GenerateRandom input. */
public record GenerateRandomRequest(Integer numberOfBytes, String customKeyStoreId) {}
