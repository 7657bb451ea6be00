package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoResult;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AwsCryptographicMaterialProvidersException;
import software.amazon.cryptography.materialproviders.model.CollectionOfErrors;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/**
 * The AWS Encryption SDK for Java 3.x with an AWS KMS keyring (Material Providers Library) whose
 * KmsClient points at Trent: encrypt with an encryption context, decrypt back; a keyring for another
 * key is refused by Trent when its request reaches the server, and by the keyring itself otherwise.
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

  /**
   * The request reaches Trent: the message's encrypted data key, made under {@code key}, is
   * relabelled as key B's (same length, so the message still parses), so B's strict keyring sends
   * Decrypt with KeyId=B and A's CiphertextBlob. Trent itself must refuse it with
   * IncorrectKeyException, as AWS does.
   */
  @Test
  void trentRefusesToDecryptADataKeyUnderAnotherKey() {
    KeyMetadata other = Trent.newKey("EncryptionSdkTest other");
    byte[] ciphertext = crypto.encryptData(keyring(key.arn()), "secret".getBytes(StandardCharsets.UTF_8), CTX).getResult();
    byte[] relabelled = replaceOnce(ciphertext, key.arn(), other.arn());

    try (RecordingKms recorded = new RecordingKms()) {
      Throwable t = catchThrowable(() -> crypto.decryptData(keyringOn(recorded.client(), other.arn()), relabelled));

      assertThat(recorded.calls()).as("the one KMS call the keyring made")
          .containsExactly(new RecordingKms.Call("Decrypt", other.arn(), "IncorrectKeyException", 400));
      // The keyring reports what each KMS call answered; the one answer is Trent's refusal.
      assertThat(t).as("the keyring's failure").isExactlyInstanceOf(CollectionOfErrors.class)
          .hasMessage("No Configured KMS Key was able to decrypt the Data Key. "
              + "The list of encountered Exceptions is available via `list`.");
      // The Material Providers Library rebuilds the SDK exception from its message only (no status or
      // error details survive), so the recorded call above is the proof of Trent's 400; this is its text.
      assertThat(((CollectionOfErrors) t).list()).as("the errors the keyring collected").singleElement()
          .isExactlyInstanceOf(IncorrectKeyException.class)
          .extracting(Throwable::getMessage).asString()
          .startsWith("The key ID in the request does not identify a CMK that can perform this operation. "
              + "(Service: Kms, Status Code: 400, Request ID: ");
    }
    // The relabelling is the only change: B's keyring fails, A's keyring still decrypts the original.
    assertThat(crypto.decryptData(keyring(key.arn()), ciphertext).getResult()).asString(StandardCharsets.UTF_8)
        .isEqualTo("secret");
  }

  /**
   * The Encryption SDK's own client-side filter: a strict keyring for key B skips the encrypted data
   * key made under {@code key} without calling KMS, and says that none matched.
   */
  @Test
  void aKeyringForAnotherKeyFindsNoDataKeyWithoutCallingKms() {
    KeyMetadata other = Trent.newKey("EncryptionSdkTest other");
    byte[] ciphertext = crypto.encryptData(keyring(key.arn()), "secret".getBytes(StandardCharsets.UTF_8), CTX).getResult();

    try (RecordingKms recorded = new RecordingKms()) {
      Throwable t = catchThrowable(() -> crypto.decryptData(keyringOn(recorded.client(), other.arn()), ciphertext));

      assertThat(recorded.calls()).as("KMS calls").isEmpty();
      assertThat(t).isExactlyInstanceOf(AwsCryptographicMaterialProvidersException.class)
          .hasMessage("Unable to decrypt data key: No Encrypted Data Keys found to match.");
    }
  }

  static IKeyring keyringOn(KmsClient client, String keyArn) {
    return mpl.CreateAwsKmsKeyring(CreateAwsKmsKeyringInput.builder().kmsKeyId(keyArn).kmsClient(client).build());
  }

  /** The message with the one occurrence of {@code from} (UTF-8) replaced by {@code to} of the same length. */
  static byte[] replaceOnce(byte[] message, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.UTF_8);
    byte[] r = to.getBytes(StandardCharsets.UTF_8);
    assertThat(r).hasSameSizeAs(f);
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i + f.length <= message.length; i++) {
      if (Arrays.equals(message, i, i + f.length, f, 0, f.length)) {
        at.add(i);
      }
    }
    assertThat(at).as("occurrences of the key ARN in the message").hasSize(1);
    byte[] out = message.clone();
    System.arraycopy(r, 0, out, at.get(0), r.length);
    return out;
  }
}
