package io.trent.pkcs11;

import java.util.Arrays;

/**
 * An exported key pair.
 *
 * @param publicKeyInfo DER SubjectPublicKeyInfo
 * @param privateKeyInfo DER PKCS#8 PrivateKeyInfo
 */
record KeyPairDer(byte[] publicKeyInfo, byte[] privateKeyInfo) {

  /** Overwrites the private key, for error paths where it never reaches the caller. */
  void wipe() {
    Arrays.fill(privateKeyInfo, (byte) 0);
  }
}
