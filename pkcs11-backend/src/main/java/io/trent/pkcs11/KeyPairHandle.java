package io.trent.pkcs11;

/**
 * How to reach one KMS key pair in the token, with what requests need to know about it without
 * asking the token again.
 *
 * @param privateKey the private key token object
 * @param publicKey the public key token object
 * @param algorithm the key's RSA size or EC curve
 * @param publicKeyInfo the public key, DER SubjectPublicKeyInfo (shared: never modify it)
 */
record KeyPairHandle(long privateKey, long publicKey, KeyPairAlgorithm algorithm, byte[] publicKeyInfo) {

  boolean isRsa() {
    return algorithm.isRsa();
  }
}
