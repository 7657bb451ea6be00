package io.trent.core.spi;

/**
 * A fresh data key from the HSM RNG and its encryption under a KMS key.
 *
 * @param plaintext the data key; the caller zeroes it when done
 * @param sealed the data key encrypted under the KMS key
 */
public record GeneratedDataKey(byte[] plaintext, SealedBytes sealed) {}
