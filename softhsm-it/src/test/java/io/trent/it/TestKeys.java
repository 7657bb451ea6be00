package io.trent.it;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * KMS keys shared by the test classes of one JVM, created on first use: RSA key generation in
 * SoftHSM2 is slow (RSA_4096 is generated once per run). Tests must not change a shared key's
 * state (disable, delete, tag, rotate): they create their own key for that.
 */
final class TestKeys {
  private static final Map<String, KeyMetadata> SHARED = new ConcurrentHashMap<>();

  private TestKeys() {}

  /** The shared enabled key of this spec and usage (spec as AWS spells it, e.g. ECC_SECG_P256K1). */
  static KeyMetadata shared(String keySpec, KeyUsageType usage) {
    return SHARED.computeIfAbsent(keySpec + "/" + usage, k -> create(keySpec, usage, "shared " + k));
  }

  /** A new enabled key of this spec and usage. */
  static KeyMetadata create(String keySpec, KeyUsageType usage, String description) {
    return Trent.kms()
        .createKey(b -> b.keySpec(keySpec).keyUsage(usage).description(description))
        .keyMetadata();
  }

  static KeyMetadata rsaSigning(int bits) {
    return shared("RSA_" + bits, KeyUsageType.SIGN_VERIFY);
  }

  static KeyMetadata rsaEncryption(int bits) {
    return shared("RSA_" + bits, KeyUsageType.ENCRYPT_DECRYPT);
  }

  static KeyMetadata ecc(String keySpec) {
    return shared(keySpec, KeyUsageType.SIGN_VERIFY);
  }

  static KeyMetadata hmac(String keySpec) {
    return shared(keySpec, KeyUsageType.GENERATE_VERIFY_MAC);
  }

  static KeyMetadata symmetric() {
    return SHARED.computeIfAbsent("SYMMETRIC_DEFAULT", k -> Trent.newKey("shared SYMMETRIC_DEFAULT"));
  }
}
