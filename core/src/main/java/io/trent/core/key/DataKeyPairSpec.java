package io.trent.core.key;

/** {@code KeyPairSpec} of GenerateDataKeyPair. */
public enum DataKeyPairSpec {
  RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, SM2,
  ECC_NIST_EDWARDS25519;

  public static final String AWS_ENUM_SET =
      "[RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, SM2, "
          + "ECC_NIST_EDWARDS25519]";
}
