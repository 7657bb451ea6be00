package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeyPairSpec;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.KeyEncryptionMechanism;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.RecipientInfo;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

/**
 * Attested requests (Recipient) are refused through the real SDK on a real key: the secret must
 * never come back as Plaintext to a caller that asked for it encrypted to an enclave.
 */
@ExtendWith(TrentExtension.class)
class RecipientIsRefusedTest {
  static final String MESSAGE = "Recipient is not supported: this server does not return CiphertextForRecipient.";
  static final RecipientInfo RECIPIENT = RecipientInfo.builder()
      .keyEncryptionAlgorithm(KeyEncryptionMechanism.RSAES_OAEP_SHA_256)
      .attestationDocument(SdkBytes.fromByteArray(new byte[64]))
      .build();

  static KmsClient kms;
  static KeyMetadata key;

  @BeforeAll
  static void setUp() {
    kms = Trent.kms();
    key = TestKeys.symmetric();
  }

  @Test
  void generateDataKey() {
    expectError(() -> kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256).recipient(RECIPIENT)),
        UnsupportedOperationException.class, "UnsupportedOperationException", MESSAGE);
  }

  @Test
  void generateDataKeyPair() {
    expectError(() -> kms.generateDataKeyPair(b -> b.keyId(key.keyId()).keyPairSpec(DataKeyPairSpec.ECC_NIST_P256)
            .recipient(RECIPIENT)),
        UnsupportedOperationException.class, "UnsupportedOperationException", MESSAGE);
  }

  @Test
  void decrypt() {
    SdkBytes ciphertext = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(SdkBytes.fromUtf8String("secret")))
        .ciphertextBlob();
    expectError(() -> kms.decrypt(b -> b.ciphertextBlob(ciphertext).recipient(RECIPIENT)),
        UnsupportedOperationException.class, "UnsupportedOperationException", MESSAGE);
  }

  @Test
  void generateRandom() {
    expectError(() -> kms.generateRandom(b -> b.numberOfBytes(32).recipient(RECIPIENT)),
        UnsupportedOperationException.class, "UnsupportedOperationException", MESSAGE);
  }
}
