package io.trent.core.key;

/** {@code SigningAlgorithm} of Sign and Verify, with the digest each one signs. */
public enum SigningAlgorithm {
  RSASSA_PSS_SHA_256("SHA-256", 32), RSASSA_PSS_SHA_384("SHA-384", 48), RSASSA_PSS_SHA_512("SHA-512", 64),
  RSASSA_PKCS1_V1_5_SHA_256("SHA-256", 32), RSASSA_PKCS1_V1_5_SHA_384("SHA-384", 48),
  RSASSA_PKCS1_V1_5_SHA_512("SHA-512", 64),
  ECDSA_SHA_256("SHA-256", 32), ECDSA_SHA_384("SHA-384", 48), ECDSA_SHA_512("SHA-512", 64),
  SM2DSA("SM3", 32), ML_DSA_SHAKE_256("SHAKE256", 64),
  // Named by AWS for ECC_NIST_EDWARDS25519 keys, which this server cannot create: valid names, refused for every key.
  ED25519_SHA_512("SHA-512", 64), ED25519_PH_SHA_512("SHA-512", 64);

  public static final String AWS_ENUM_SET = "[RSASSA_PSS_SHA_256, RSASSA_PSS_SHA_384, RSASSA_PSS_SHA_512, "
      + "RSASSA_PKCS1_V1_5_SHA_256, RSASSA_PKCS1_V1_5_SHA_384, RSASSA_PKCS1_V1_5_SHA_512, ECDSA_SHA_256, "
      + "ECDSA_SHA_384, ECDSA_SHA_512, SM2DSA, ML_DSA_SHAKE_256, ED25519_SHA_512, ED25519_PH_SHA_512]";

  private final String digest;
  private final int digestLength;

  SigningAlgorithm(String digest, int digestLength) {
    this.digest = digest;
    this.digestLength = digestLength;
  }

  /** The JCA name of the digest this algorithm signs. */
  public String digest() {
    return digest;
  }

  public int digestLength() {
    return digestLength;
  }
}
