package io.trent.core.service;

import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.MacAlgorithm;
import io.trent.core.key.SigningAlgorithm;
import java.util.List;

/** Which algorithms AWS offers for each key spec, in the order AWS lists them. */
public final class KeyAlgorithms {
  private KeyAlgorithms() {}

  public static List<String> encryptionAlgorithms(KeySpec spec, KeyUsage usage) {
    if (usage != KeyUsage.ENCRYPT_DECRYPT) {
      return List.of();
    }
    return spec == KeySpec.SYMMETRIC_DEFAULT ? List.of("SYMMETRIC_DEFAULT") : List.of("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256");
  }

  public static List<SigningAlgorithm> signingAlgorithms(KeySpec spec, KeyUsage usage) {
    if (usage != KeyUsage.SIGN_VERIFY) {
      return List.of();
    }
    return switch (spec) {
      case RSA_2048, RSA_3072, RSA_4096 -> List.of(SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256,
          SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_384, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_512,
          SigningAlgorithm.RSASSA_PSS_SHA_256, SigningAlgorithm.RSASSA_PSS_SHA_384, SigningAlgorithm.RSASSA_PSS_SHA_512);
      case ECC_NIST_P256, ECC_SECG_P256K1 -> List.of(SigningAlgorithm.ECDSA_SHA_256);
      case ECC_NIST_P384 -> List.of(SigningAlgorithm.ECDSA_SHA_384);
      case ECC_NIST_P521 -> List.of(SigningAlgorithm.ECDSA_SHA_512);
      default -> List.of();
    };
  }

  public static List<MacAlgorithm> macAlgorithms(KeySpec spec) {
    return switch (spec) {
      case HMAC_224 -> List.of(MacAlgorithm.HMAC_SHA_224);
      case HMAC_256 -> List.of(MacAlgorithm.HMAC_SHA_256);
      case HMAC_384 -> List.of(MacAlgorithm.HMAC_SHA_384);
      case HMAC_512 -> List.of(MacAlgorithm.HMAC_SHA_512);
      default -> List.of();
    };
  }
}
