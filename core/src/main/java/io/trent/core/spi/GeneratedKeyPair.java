package io.trent.core.spi;

/**
 * An ephemeral key pair generated in the HSM.
 *
 * @param publicKeyDer the public key, DER X.509 SubjectPublicKeyInfo
 * @param privateKeyDer the private key, DER PKCS#8 PrivateKeyInfo; the caller zeroes it when done
 * @param sealedPrivateKey the PKCS#8 private key encrypted under the KMS key
 */
public record GeneratedKeyPair(byte[] publicKeyDer, byte[] privateKeyDer, SealedBytes sealedPrivateKey) {}
