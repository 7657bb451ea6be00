package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static io.trent.it.KmsAssertions.named;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeyPairSpec;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * AWS's key-state table for the cryptographic operations, for every kind of key: a Disabled key
 * answers DisabledException "{@code <ARN> is disabled.}", a key pending deletion answers
 * KMSInvalidStateException "{@code <ARN> is pending deletion.}", for each operation that uses it,
 * and ReEncrypt names whichever of its two keys is not Enabled. GetPublicKey is the exception: it
 * answers for a disabled key.
 */
@ExtendWith(TrentExtension.class)
class KeyStateTableTest {
  private static final SdkBytes DATA = SdkBytes.fromUtf8String("key state table");

  /** A symmetric, an RSA encryption, an ECC signing and an HMAC key, with material made while Enabled. */
  private record Keys(KeyMetadata symmetric, KeyMetadata rsa, KeyMetadata ecc, KeyMetadata hmac,
      SdkBytes symmetricBlob, SdkBytes rsaBlob, SdkBytes signature, SdkBytes mac) {

    static Keys create(String name) {
      KmsClient kms = Trent.kms();
      KeyMetadata symmetric = Trent.newKey(name);
      KeyMetadata rsa = TestKeys.create("RSA_2048", KeyUsageType.ENCRYPT_DECRYPT, name);
      KeyMetadata ecc = TestKeys.create("ECC_NIST_P256", KeyUsageType.SIGN_VERIFY, name);
      KeyMetadata hmac = TestKeys.create("HMAC_256", KeyUsageType.GENERATE_VERIFY_MAC, name);
      return new Keys(symmetric, rsa, ecc, hmac,
          kms.encrypt(b -> b.keyId(symmetric.keyId()).plaintext(DATA)).ciphertextBlob(),
          kms.encrypt(b -> b.keyId(rsa.keyId()).plaintext(DATA)
              .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)).ciphertextBlob(),
          kms.sign(b -> b.keyId(ecc.keyId()).message(DATA).messageType(MessageType.RAW)
              .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)).signature(),
          kms.generateMac(b -> b.keyId(hmac.keyId()).message(DATA).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)).mac());
    }

    void each(Consumer<KeyMetadata> action) {
      for (KeyMetadata k : new KeyMetadata[] {symmetric, rsa, ecc, hmac}) {
        action.accept(k);
      }
    }

    /** Every operation on these keys, by name; {@code enabled} is an Enabled symmetric key for ReEncrypt. */
    Map<String, Call> operations(KeyMetadata enabled, SdkBytes enabledBlob) {
      KmsClient kms = Trent.kms();
      Map<String, Call> ops = new LinkedHashMap<>();
      ops.put("GenerateDataKey", new Call(symmetric,
          () -> kms.generateDataKey(b -> b.keyId(symmetric.keyId()).keySpec(DataKeySpec.AES_256))));
      ops.put("GenerateDataKeyWithoutPlaintext", new Call(symmetric,
          () -> kms.generateDataKeyWithoutPlaintext(b -> b.keyId(symmetric.arn()).numberOfBytes(16))));
      ops.put("GenerateDataKeyPair", new Call(symmetric,
          () -> kms.generateDataKeyPair(b -> b.keyId(symmetric.keyId()).keyPairSpec(DataKeyPairSpec.ECC_NIST_P256))));
      ops.put("GenerateDataKeyPairWithoutPlaintext", new Call(symmetric,
          () -> kms.generateDataKeyPairWithoutPlaintext(b -> b.keyId(symmetric.keyId()).keyPairSpec(DataKeyPairSpec.RSA_2048))));
      ops.put("Encrypt", new Call(symmetric, () -> kms.encrypt(b -> b.keyId(symmetric.keyId()).plaintext(DATA))));
      ops.put("Decrypt", new Call(symmetric, () -> kms.decrypt(b -> b.ciphertextBlob(symmetricBlob))));
      ops.put("ReEncrypt from it", new Call(symmetric,
          () -> kms.reEncrypt(b -> b.ciphertextBlob(symmetricBlob).destinationKeyId(enabled.keyId()))));
      ops.put("ReEncrypt to it", new Call(symmetric,
          () -> kms.reEncrypt(b -> b.ciphertextBlob(enabledBlob).destinationKeyId(symmetric.keyId()))));
      ops.put("RSA Encrypt", new Call(rsa, () -> kms.encrypt(b -> b.keyId(rsa.keyId()).plaintext(DATA)
          .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256))));
      ops.put("RSA Decrypt", new Call(rsa, () -> kms.decrypt(b -> b.keyId(rsa.keyId()).ciphertextBlob(rsaBlob)
          .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256))));
      ops.put("RSA GetPublicKey", new Call(rsa, () -> kms.getPublicKey(b -> b.keyId(rsa.keyId()))));
      ops.put("Sign", new Call(ecc, () -> kms.sign(b -> b.keyId(ecc.keyId()).message(DATA)
          .messageType(MessageType.RAW).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256))));
      ops.put("Verify", new Call(ecc, () -> kms.verify(b -> b.keyId(ecc.keyId()).message(DATA).signature(signature)
          .messageType(MessageType.RAW).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256))));
      ops.put("ECC GetPublicKey", new Call(ecc, () -> kms.getPublicKey(b -> b.keyId(ecc.arn()))));
      ops.put("GenerateMac", new Call(hmac, () -> kms.generateMac(b -> b.keyId(hmac.keyId()).message(DATA)
          .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256))));
      ops.put("VerifyMac", new Call(hmac, () -> kms.verifyMac(b -> b.keyId(hmac.keyId()).message(DATA).mac(mac)
          .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256))));
      return ops;
    }
  }

  /** An operation and the key whose state it must report. */
  private record Call(KeyMetadata key, ThrowingCallable call) {}

  private static Map<String, Call> prepare(Keys keys) {
    KeyMetadata enabled = Trent.newKey("KeyStateTableTest enabled");
    SdkBytes enabledBlob = Trent.kms().encrypt(b -> b.keyId(enabled.keyId()).plaintext(DATA)).ciphertextBlob();
    return keys.operations(enabled, enabledBlob);
  }

  @Test
  void everyOperationOnADisabledKeyIsDisabledException() {
    Keys keys = Keys.create("KeyStateTableTest disabled");
    Map<String, Call> operations = prepare(keys);
    keys.each(k -> Trent.kms().disableKey(b -> b.keyId(k.keyId())));

    operations.forEach((name, op) -> named(name, () -> {
      if (name.endsWith("GetPublicKey")) {
        // Real AWS answers GetPublicKey for a disabled key (its key-state table says otherwise).
        assertThatCode(op.call()).doesNotThrowAnyException();
      } else {
        expectError(op.call(), DisabledException.class, "DisabledException", op.key().arn() + " is disabled.");
      }
    }));
  }

  @Test
  void everyOperationOnAKeyPendingDeletionIsInvalidState() {
    Keys keys = Keys.create("KeyStateTableTest pending deletion");
    Map<String, Call> operations = prepare(keys);
    keys.each(k -> Trent.kms().scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(7)));

    operations.forEach((name, op) -> named(name, () -> expectError(op.call(), KmsInvalidStateException.class,
        "KMSInvalidStateException", op.key().arn() + " is pending deletion.")));
    keys.each(k -> Trent.kms().cancelKeyDeletion(b -> b.keyId(k.keyId())));
  }
}
