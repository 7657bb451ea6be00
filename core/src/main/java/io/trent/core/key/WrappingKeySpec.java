package io.trent.core.key;

/** {@code WrappingKeySpec} of GetParametersForImport. */
public enum WrappingKeySpec {
  RSA_2048, RSA_3072, RSA_4096, SM2;

  public static final String AWS_ENUM_SET = "[RSA_2048, RSA_3072, RSA_4096, SM2]";
}
