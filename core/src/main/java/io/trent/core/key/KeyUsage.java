package io.trent.core.key;

/** What a KMS key may be used for. */
public enum KeyUsage {
  ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT;

  public static final String AWS_ENUM_SET = "[ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT]";
}
