package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUnavailableException;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * An HSM administrator destroys a key's token object with {@code pkcs11-tool --delete-object}
 * while the server runs: within {@code pkcs11.objectCheckIntervalMillis} (5 s by default) the key
 * answers KeyUnavailableException for every operation, so no new ciphertext is made under material
 * the token no longer holds, and the other keys work as before.
 */
@ExtendWith(TrentExtension.class)
class TokenObjectDeletionTest {

  /** The default object check interval, plus room for a busy machine. */
  private static final Duration BOUND = Duration.ofSeconds(5).plusSeconds(10);
  private static final SdkBytes PLAINTEXT = SdkBytes.fromUtf8String("made before the deletion");

  @Test
  void aSymmetricKeyDeletedFromTheTokenStopsEncryptingAndDecryptingWithinTheBound() {
    KmsClient kms = Trent.kms();
    KeyMetadata gone = Trent.newKey("TokenObjectDeletionTest gone");
    KeyMetadata kept = Trent.newKey("TokenObjectDeletionTest kept");
    SdkBytes goneBlob = kms.encrypt(b -> b.keyId(gone.keyId()).plaintext(PLAINTEXT)).ciphertextBlob();
    SdkBytes keptBlob = kms.encrypt(b -> b.keyId(kept.keyId()).plaintext(PLAINTEXT)).ciphertextBlob();
    String material = Wire.currentMaterial(gone.keyId());

    Pkcs11Tool.deleteSecretKey(material);

    String unavailable = gone.arn() + " is unavailable.";
    awaitUnavailable(() -> kms.generateDataKey(b -> b.keyId(gone.keyId()).keySpec(DataKeySpec.AES_256)), unavailable);
    expectUnavailable(() -> kms.encrypt(b -> b.keyId(gone.keyId()).plaintext(PLAINTEXT)), unavailable);
    expectUnavailable(() -> kms.generateDataKeyWithoutPlaintext(b -> b.keyId(gone.keyId())
        .keySpec(DataKeySpec.AES_256)), unavailable);
    expectUnavailable(() -> kms.decrypt(b -> b.ciphertextBlob(goneBlob)), unavailable);
    expectUnavailable(() -> kms.generateDataKeyPair(b -> b.keyId(gone.keyId()).keyPairSpec("ECC_NIST_P256")),
        unavailable);
    assertThat(kms.describeKey(b -> b.keyId(gone.keyId())).keyMetadata().keyState()).isEqualTo(KeyState.UNAVAILABLE);

    assertThat(kms.decrypt(b -> b.ciphertextBlob(keptBlob)).plaintext()).isEqualTo(PLAINTEXT);
    assertThat(kms.generateDataKey(b -> b.keyId(kept.keyId()).keySpec(DataKeySpec.AES_256)).keyId())
        .isEqualTo(kept.arn());
  }

  @Test
  void anRsaKeyWhosePrivateKeyWasDeletedStopsEncryptingWithinTheBound() {
    KmsClient kms = Trent.kms();
    KeyMetadata rsa = TestKeys.create("RSA_2048", KeyUsageType.ENCRYPT_DECRYPT, "TokenObjectDeletionTest rsa");
    // SoftHSM2 cannot do SHA-256 OAEP, so Trent encrypts with the public key outside the token:
    // only the object check stops ciphertexts that nothing could decrypt any more.
    kms.encrypt(b -> b.keyId(rsa.keyId()).plaintext(PLAINTEXT).encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256));

    Pkcs11Tool.deleteKeyMaterialOf(rsa.keyId());

    awaitUnavailable(() -> kms.encrypt(b -> b.keyId(rsa.keyId()).plaintext(PLAINTEXT)
        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)), rsa.arn() + " is unavailable.");
  }

  @Test
  void signingAndHmacKeysDeletedFromTheTokenAreUnavailable() {
    KmsClient kms = Trent.kms();
    KeyMetadata ecc = TestKeys.create("ECC_NIST_P256", KeyUsageType.SIGN_VERIFY, "TokenObjectDeletionTest ecc");
    KeyMetadata hmac = TestKeys.create("HMAC_256", KeyUsageType.GENERATE_VERIFY_MAC, "TokenObjectDeletionTest hmac");
    SdkBytes message = SdkBytes.fromUtf8String("signed before the deletion");
    kms.sign(b -> b.keyId(ecc.keyId()).message(message).messageType(MessageType.RAW)
        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256));
    kms.generateMac(b -> b.keyId(hmac.keyId()).message(message).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256));

    Pkcs11Tool.deleteKeyMaterialOf(ecc.keyId());
    Pkcs11Tool.deleteKeyMaterialOf(hmac.keyId());

    awaitUnavailable(() -> kms.sign(b -> b.keyId(ecc.keyId()).message(message).messageType(MessageType.RAW)
        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)), ecc.arn() + " is unavailable.");
    awaitUnavailable(() -> kms.generateMac(b -> b.keyId(hmac.keyId()).message(message)
        .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)), hmac.arn() + " is unavailable.");
  }

  /**
   * Repeats a request until it answers KeyUnavailableException, failing if it still succeeds after
   * the bound; every answer before then must be a success, never another error.
   */
  static void awaitUnavailable(ThrowingCallable call, String message) {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (true) {
      Throwable t = catchThrowable(call);
      if (t != null) {
        expectUnavailableError(t, message);
        return;
      }
      assertThat(System.nanoTime() - deadline).as("still working %s after the token object was deleted", BOUND)
          .isNegative();
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  /** KeyUnavailableException is a server-side, retryable error: HTTP 500 with AWS's message. */
  static void expectUnavailable(ThrowingCallable call, String message) {
    expectUnavailableError(catchThrowable(call), message);
  }

  private static void expectUnavailableError(Throwable t, String message) {
    assertThat(t).isInstanceOf(KeyUnavailableException.class);
    KeyUnavailableException e = (KeyUnavailableException) t;
    assertThat(e.statusCode()).isEqualTo(500);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("KeyUnavailableException");
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
  }
}
