package io.trent.core.key;

/** Where a KMS key's material comes from. */
public enum Origin {
  AWS_KMS, EXTERNAL, AWS_CLOUDHSM, EXTERNAL_KEY_STORE;

  public static final String AWS_ENUM_SET = "[AWS_KMS, EXTERNAL, AWS_CLOUDHSM, EXTERNAL_KEY_STORE]";
}
