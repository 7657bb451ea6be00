package io.trent.core.spi;

/**
 * The output of one AES-GCM encryption.
 *
 * @param iv the 12-byte IV the backend used
 * @param ciphertextAndTag the ciphertext followed by the 16-byte tag
 */
public record SealedBytes(byte[] iv, byte[] ciphertextAndTag) {}
