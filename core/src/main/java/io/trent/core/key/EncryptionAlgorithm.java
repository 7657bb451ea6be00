package io.trent.core.key;

/** {@code EncryptionAlgorithm} of Encrypt, Decrypt and ReEncrypt. */
public enum EncryptionAlgorithm {
  SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE;

  public static final String AWS_ENUM_SET = "[SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]";
}
