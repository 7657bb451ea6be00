package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeyPairSpec;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

/**
 * Every operation given a key of the wrong type: AWS's InvalidKeyUsageException template
 * {@code <ARN> key usage is <USAGE> which is not valid for <Operation>.}, IncorrectKeyException on
 * Decrypt, and the key-state check coming before the key-usage check.
 */
@ExtendWith(TrentExtension.class)
class KeyUsageErrorsTest {
  static final SdkBytes MESSAGE = SdkBytes.fromUtf8String("wrong key type");

  static KmsClient kms() {
    return Trent.kms();
  }

  static KeyMetadata keyFor(String kind) {
    return switch (kind) {
      case "RSA_SIGN" -> TestKeys.rsaSigning(2048);
      case "ECC_SIGN" -> TestKeys.ecc("ECC_NIST_P256");
      case "HMAC" -> TestKeys.hmac("HMAC_256");
      case "RSA_ENCRYPT" -> TestKeys.rsaEncryption(2048);
      case "SYMMETRIC" -> TestKeys.symmetric();
      default -> throw new IllegalArgumentException(kind);
    };
  }

  static void expectUsage(ThrowingCallable call, KeyMetadata key, String usage, String operation) {
    expectError(call, InvalidKeyUsageException.class, "InvalidKeyUsageException",
        key.arn() + " key usage is " + usage + " which is not valid for " + operation + ".");
  }

  @ParameterizedTest
  @ValueSource(strings = {"RSA_SIGN", "ECC_SIGN", "HMAC"})
  void dataKeyOperationsNeedASymmetricEncryptionKey(String kind) {
    KeyMetadata k = keyFor(kind);
    String usage = k.keyUsageAsString();
    expectUsage(() -> kms().generateDataKey(b -> b.keyId(k.keyId()).keySpec(DataKeySpec.AES_256)), k, usage, "GenerateDataKey");
    expectUsage(() -> kms().generateDataKeyWithoutPlaintext(b -> b.keyId(k.keyId()).keySpec(DataKeySpec.AES_256)),
        k, usage, "GenerateDataKeyWithoutPlaintext");
    expectUsage(() -> kms().generateDataKeyPair(b -> b.keyId(k.keyId()).keyPairSpec(DataKeyPairSpec.ECC_NIST_P256)),
        k, usage, "GenerateDataKeyPair");
    expectUsage(() -> kms().generateDataKeyPairWithoutPlaintext(b -> b.keyId(k.keyId()).keyPairSpec(DataKeyPairSpec.ECC_NIST_P256)),
        k, usage, "GenerateDataKeyPairWithoutPlaintext");
    expectUsage(() -> kms().encrypt(b -> b.keyId(k.keyId()).plaintext(MESSAGE)), k, usage, "Encrypt");
  }

  @Test
  void dataKeyOperationsRefuseAnRsaEncryptionKey() {
    // AWS's text for this case is not recorded (reference §19.2): the type is pinned, the message
    // must name the key and the operation.
    KeyMetadata k = keyFor("RSA_ENCRYPT");
    List<ThrowingCallable> calls = List.of(
        () -> kms().generateDataKey(b -> b.keyId(k.keyId()).keySpec(DataKeySpec.AES_256)),
        () -> kms().generateDataKeyWithoutPlaintext(b -> b.keyId(k.keyId()).numberOfBytes(32)),
        () -> kms().generateDataKeyPair(b -> b.keyId(k.keyId()).keyPairSpec(DataKeyPairSpec.ECC_NIST_P256)),
        () -> kms().generateDataKeyPairWithoutPlaintext(b -> b.keyId(k.keyId()).keyPairSpec(DataKeyPairSpec.ECC_NIST_P256)));
    List<String> operations = List.of("GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext");
    for (int i = 0; i < calls.size(); i++) {
      KmsException e = expectError(calls.get(i), InvalidKeyUsageException.class, "InvalidKeyUsageException");
      assertThat(e.awsErrorDetails().errorMessage()).startsWith(k.arn() + " ")
          .endsWith(" which is not valid for " + operations.get(i) + ".");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"SYMMETRIC", "RSA_ENCRYPT", "HMAC"})
  void signAndVerifyNeedASigningKey(String kind) {
    KeyMetadata k = keyFor(kind);
    String usage = k.keyUsageAsString();
    expectUsage(() -> kms().sign(b -> b.keyId(k.keyId()).message(MESSAGE).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)),
        k, usage, "Sign");
    expectUsage(() -> kms().verify(b -> b.keyId(k.keyId()).message(MESSAGE).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
        .signature(SdkBytes.fromByteArray(new byte[70]))), k, usage, "Verify");
  }

  @ParameterizedTest
  @ValueSource(strings = {"SYMMETRIC", "RSA_ENCRYPT", "RSA_SIGN", "ECC_SIGN"})
  void macOperationsNeedAnHmacKey(String kind) {
    KeyMetadata k = keyFor(kind);
    String usage = k.keyUsageAsString();
    expectUsage(() -> kms().generateMac(b -> b.keyId(k.keyId()).message(MESSAGE).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)),
        k, usage, "GenerateMac");
    expectUsage(() -> kms().verifyMac(b -> b.keyId(k.keyId()).message(MESSAGE).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
        .mac(SdkBytes.fromByteArray(new byte[32]))), k, usage, "VerifyMac");
  }

  @Test
  void encryptWithSigningOrMacKeysUsesTheAwsText() {
    KeyMetadata sign = keyFor("ECC_SIGN");
    expectError(() -> kms().encrypt(b -> b.keyId(sign.keyId()).plaintext(MESSAGE)
            .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)),
        InvalidKeyUsageException.class, "InvalidKeyUsageException",
        sign.arn() + " key usage is SIGN_VERIFY which is not valid for Encrypt.");
    KeyMetadata mac = keyFor("HMAC");
    expectUsage(() -> kms().encrypt(b -> b.keyId(mac.keyId()).plaintext(MESSAGE)), mac, "GENERATE_VERIFY_MAC", "Encrypt");
  }

  @Test
  void decryptWithAnHmacOrSigningKeyIdIsIncorrectKey() {
    SdkBytes blob = kms().encrypt(b -> b.keyId(TestKeys.symmetric().keyId()).plaintext(MESSAGE)).ciphertextBlob();
    for (String kind : List.of("HMAC", "ECC_SIGN", "RSA_SIGN")) {
      KeyMetadata k = keyFor(kind);
      expectError(() -> kms().decrypt(b -> b.keyId(k.keyId()).ciphertextBlob(blob)),
          IncorrectKeyException.class, "IncorrectKeyException",
          "The key ID in the request does not identify a CMK that can perform this operation.");
    }
  }

  @Test
  void reEncryptToASigningKeyIsInvalidKeyUsage() {
    SdkBytes blob = kms().encrypt(b -> b.keyId(TestKeys.symmetric().keyId()).plaintext(MESSAGE)).ciphertextBlob();
    KeyMetadata sign = keyFor("ECC_SIGN");
    KmsException e = expectError(() -> kms().reEncrypt(b -> b.ciphertextBlob(blob).destinationKeyId(sign.keyId())),
        InvalidKeyUsageException.class, "InvalidKeyUsageException");
    assertThat(e.awsErrorDetails().errorMessage()).startsWith(sign.arn() + " key usage is SIGN_VERIFY which is not valid for ");
  }

  @Test
  void getPublicKeyOfASymmetricOrHmacKeyIsUnsupported() {
    for (String kind : List.of("SYMMETRIC", "HMAC")) {
      KeyMetadata k = keyFor(kind);
      expectError(() -> kms().getPublicKey(b -> b.keyId(k.keyId())),
          UnsupportedOperationException.class, "UnsupportedOperationException");
    }
  }

  @Test
  void keyStateIsCheckedBeforeKeyUsage() {
    KeyMetadata rsa = TestKeys.create("RSA_2048", KeyUsageType.SIGN_VERIFY, "KeyUsageErrorsTest disabled");
    KeyMetadata hmac = TestKeys.create("HMAC_224", KeyUsageType.GENERATE_VERIFY_MAC, "KeyUsageErrorsTest disabled");
    kms().disableKey(b -> b.keyId(rsa.keyId()));
    kms().disableKey(b -> b.keyId(hmac.keyId()));
    expectError(() -> kms().generateDataKey(b -> b.keyId(rsa.keyId()).keySpec(DataKeySpec.AES_256)),
        DisabledException.class, "DisabledException", rsa.arn() + " is disabled.");
    expectError(() -> kms().encrypt(b -> b.keyId(hmac.keyId()).plaintext(MESSAGE)),
        DisabledException.class, "DisabledException", hmac.arn() + " is disabled.");
    expectError(() -> kms().generateMac(b -> b.keyId(rsa.keyId()).message(MESSAGE).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)),
        DisabledException.class, "DisabledException", rsa.arn() + " is disabled.");
    expectError(() -> kms().sign(b -> b.keyId(hmac.keyId()).message(MESSAGE).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)),
        DisabledException.class, "DisabledException", hmac.arn() + " is disabled.");
  }
}
