package io.trent.core.service;

import io.trent.core.key.EncryptionAlgorithm;
import io.trent.core.key.KeySpec;

/** RSA-OAEP plaintext limits: modulus bytes - 2 * hash bytes - 2, as AWS enforces them. */
final class RsaLimits {
  private RsaLimits() {}

  static int maxPlaintext(KeySpec spec, EncryptionAlgorithm algorithm) {
    int modulusBytes = switch (spec) {
      case RSA_2048 -> 256;
      case RSA_3072 -> 384;
      case RSA_4096 -> 512;
      default -> throw new IllegalArgumentException("not an RSA spec: " + spec);
    };
    int hashBytes = algorithm == EncryptionAlgorithm.RSAES_OAEP_SHA_1 ? 20 : 32;
    return modulusBytes - 2 * hashBytes - 2;
  }
}
