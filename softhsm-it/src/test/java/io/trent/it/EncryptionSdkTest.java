package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoResult;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/**
 * The AWS Encryption SDK for Java 3.x with an AWS KMS keyring (Material Providers Library) whose
 * KmsClient points at Trent: encrypt with an encryption context, decrypt back.
 */
@ExtendWith(TrentExtension.class)
class EncryptionSdkTest {
  static final Map<String, String> CTX = Map.of("purpose", "esdk-round-trip", "tenant", "acme");
  static AwsCrypto crypto;
  static MaterialProviders mpl;
  static KeyMetadata key;

  @BeforeAll
  static void setUp() {
    crypto = AwsCrypto.builder().withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt).build();
    mpl = MaterialProviders.builder().MaterialProvidersConfig(MaterialProvidersConfig.builder().build()).build();
    key = Trent.newKey("EncryptionSdkTest");
  }

  static IKeyring keyring(String keyArn) {
    return mpl.CreateAwsKmsKeyring(CreateAwsKmsKeyringInput.builder().kmsKeyId(keyArn).kmsClient(Trent.kms()).build());
  }

  @Test
  void keyringRoundTrip() {
    byte[] message = "Hello from the AWS Encryption SDK through Trent".getBytes(StandardCharsets.UTF_8);
    IKeyring kr = keyring(key.arn());
    CryptoResult<byte[], ?> enc = crypto.encryptData(kr, message, CTX);
    assertThat(enc.getResult()).isNotEqualTo(message);

    CryptoResult<byte[], ?> dec = crypto.decryptData(kr, enc.getResult());
    assertThat(dec.getResult()).isEqualTo(message);
    assertThat(dec.getEncryptionContext()).containsAllEntriesOf(CTX);

    // Decrypt also with the required encryption context given back.
    assertThat(crypto.decryptData(kr, enc.getResult(), CTX).getResult()).isEqualTo(message);
  }

  @Test
  void largeMessageRoundTrip() {
    byte[] message = new byte[300_000];
    new SecureRandom().nextBytes(message);
    IKeyring kr = keyring(key.arn());
    byte[] ciphertext = crypto.encryptData(kr, message, CTX).getResult();
    assertThat(crypto.decryptData(keyring(key.arn()), ciphertext).getResult()).isEqualTo(message);
  }

  @Test
  void aKeyringForAnotherKeyCannotDecrypt() {
    KeyMetadata other = Trent.newKey("EncryptionSdkTest other");
    byte[] ciphertext = crypto.encryptData(keyring(key.arn()), "secret".getBytes(StandardCharsets.UTF_8), CTX).getResult();
    Throwable t = catchThrowable(() -> crypto.decryptData(keyring(other.arn()), ciphertext));
    assertThat(t).as("decrypting with a keyring for another key fails").isNotNull();
  }
}
