package io.trent.benchmark;

import java.util.Locale;

/**
 * An operation the HTTP phase sends: GenerateDataKey (AES_256), Decrypt (of one data key's ciphertext, so
 * the key is found from the blob), or GenerateDataKeyPair with a key pair spec. Written on the command line as
 * {@code GenerateDataKey}, {@code Decrypt}, {@code GenerateDataKeyPair:ECC_NIST_P256}.
 *
 * @param target the KMS operation
 * @param keyPairSpec the KeyPairSpec of GenerateDataKeyPair, else null
 */
record HttpOperation(String target, String keyPairSpec) {

  static final HttpOperation GENERATE_DATA_KEY = new HttpOperation("GenerateDataKey", null);

  /** Parses the command-line form. */
  static HttpOperation parse(String text) {
    String[] parts = text.trim().split(":", 2);
    String target = switch (parts[0].toLowerCase(Locale.ROOT)) {
      case "generatedatakey" -> "GenerateDataKey";
      case "decrypt" -> "Decrypt";
      case "generatedatakeypair" -> "GenerateDataKeyPair";
      default -> throw new IllegalArgumentException("Unknown operation '" + parts[0]
          + "': GenerateDataKey, Decrypt or GenerateDataKeyPair:<KeyPairSpec>");
    };
    if (target.equals("GenerateDataKeyPair")) {
      return new HttpOperation(target, parts.length > 1 ? parts[1].toUpperCase(Locale.ROOT) : "ECC_NIST_P256");
    }
    if (parts.length > 1) {
      throw new IllegalArgumentException(target + " takes no ':' suffix");
    }
    return new HttpOperation(target, null);
  }

  /** The JSON body for this key, and the ciphertext Decrypt sends. */
  String body(String keyId, String ciphertextBase64) {
    return switch (target) {
      case "GenerateDataKey" -> "{\"KeyId\":\"" + keyId + "\",\"KeySpec\":\"AES_256\"}";
      case "Decrypt" -> "{\"CiphertextBlob\":\"" + ciphertextBase64 + "\"}";
      default -> "{\"KeyId\":\"" + keyId + "\",\"KeyPairSpec\":\"" + keyPairSpec + "\"}";
    };
  }

  /** How tables and the JSON name it. */
  String label() {
    return keyPairSpec == null ? target : target + ":" + keyPairSpec;
  }

  @Override
  public String toString() {
    return label();
  }
}
