package io.trent.core.spi;

/**
 * An RSA key pair generated in the HSM to receive imported key material.
 *
 * @param id the backend's name for the pair (its HSM {@code CKA_ID}, hex)
 * @param publicKeyDer the public key, DER SubjectPublicKeyInfo, handed to the importer
 */
public record ImportWrappingKey(String id, byte[] publicKeyDer) {}
