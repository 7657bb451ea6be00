package io.trent.core.key;

/** The KMS key specs AWS defines (CreateKey {@code KeySpec}). */
public enum KeySpec {
  SYMMETRIC_DEFAULT, RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521,
  ECC_SECG_P256K1, HMAC_224, HMAC_256, HMAC_384, HMAC_512, SM2, ECC_NIST_EDWARDS25519,
  ML_DSA_44, ML_DSA_65, ML_DSA_87;

  /** The set as AWS prints it in enum validation messages (its server order, not declaration order). */
  public static final String AWS_ENUM_SET =
      "[RSA_2048, ECC_NIST_P384, ECC_NIST_P256, ECC_NIST_P521, HMAC_384, RSA_3072, ECC_SECG_P256K1, "
          + "RSA_4096, SYMMETRIC_DEFAULT, HMAC_256, HMAC_224, HMAC_512, ECC_NIST_EDWARDS25519, SM2, "
          + "ML_DSA_44, ML_DSA_65, ML_DSA_87]";

  public boolean isRsa() {
    return name().startsWith("RSA_");
  }

  public boolean isEcc() {
    return name().startsWith("ECC_");
  }

  public boolean isHmac() {
    return name().startsWith("HMAC_");
  }

  /** RSA, ECC, SM2 or ML-DSA: a key pair with a public key. */
  public boolean isAsymmetric() {
    return this != SYMMETRIC_DEFAULT && !isHmac();
  }
}
