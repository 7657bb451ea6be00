package io.trent.core.key;

/** {@code WrappingAlgorithm} of GetParametersForImport: how imported key material is wrapped. */
public enum WrappingAlgorithm {
  RSAES_PKCS1_V1_5, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_1, RSA_AES_KEY_WRAP_SHA_256, SM2PKE;

  public static final String AWS_ENUM_SET = "[RSAES_PKCS1_V1_5, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, "
      + "RSA_AES_KEY_WRAP_SHA_1, RSA_AES_KEY_WRAP_SHA_256, SM2PKE]";
}
