package io.trent.core.key;

/** {@code MacAlgorithm} of GenerateMac and VerifyMac. */
public enum MacAlgorithm {
  HMAC_SHA_224, HMAC_SHA_256, HMAC_SHA_384, HMAC_SHA_512;

  public static final String AWS_ENUM_SET = "[HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]";
}
