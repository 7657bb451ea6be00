package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static io.trent.it.KmsAssertions.expectInvalidCiphertext;
import static io.trent.it.KmsAssertions.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;

/** Encrypt, Decrypt, ReEncrypt and GenerateRandom. */
@ExtendWith(TrentExtension.class)
class EncryptDecryptTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static KmsClient kms;
  static KeyMetadata key;
  static KeyMetadata other;

  @BeforeAll
  static void setUp() {
    kms = Trent.kms();
    key = Trent.newKey("EncryptDecryptTest");
    other = Trent.newKey("EncryptDecryptTest other");
  }

  static SdkBytes random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return SdkBytes.fromByteArray(b);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 100, 4096})
  void encryptThenDecrypt(int size) {
    SdkBytes plaintext = random(size);
    EncryptResponse e = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(plaintext));
    assertThat(e.keyId()).isEqualTo(key.arn());
    assertThat(e.encryptionAlgorithm()).isEqualTo(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT);
    assertThat(e.ciphertextBlob().asByteArray().length).isGreaterThan(size);

    DecryptResponse d = kms.decrypt(b -> b.ciphertextBlob(e.ciphertextBlob()));
    assertThat(d.plaintext()).isEqualTo(plaintext);
    assertThat(d.keyId()).isEqualTo(key.arn());
    assertThat(d.encryptionAlgorithm()).isEqualTo(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT);
  }

  @Test
  void decryptWireResponseHasKeyMaterialId() {
    EncryptResponse e = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(random(10)));
    RawKms.Response d =
        RawKms.call("Decrypt", Map.of("CiphertextBlob", Base64.getEncoder().encodeToString(e.ciphertextBlob().asByteArray())));
    assertThat(d.status()).as("%s", d).isEqualTo(200);
    assertThat(d.json().path("KeyId").asText()).isEqualTo(key.arn());
    assertThat(d.json().path("EncryptionAlgorithm").asText()).isEqualTo("SYMMETRIC_DEFAULT");
    assertThat(d.json().path("KeyMaterialId").asText()).matches("^[0-9a-f]{64}$");
  }

  @Test
  void encryptTwiceGivesDifferentCiphertexts() {
    SdkBytes plaintext = random(32);
    EncryptResponse a = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(plaintext));
    EncryptResponse c = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(plaintext));
    assertThat(a.ciphertextBlob()).isNotEqualTo(c.ciphertextBlob());
  }

  @Test
  void anEmptyPlaintextIsRejected() {
    expectValidation(
        () -> kms.encrypt(b -> b.keyId(key.keyId()).plaintext(SdkBytes.fromByteArray(new byte[0]))),
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1");
  }

  @Test
  void ciphertextBlobLengthIsValidatedWithoutEchoingTheBlob() {
    // As real AWS prints it: the blob's value is left out.
    expectValidation(
        () -> kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(new byte[0]))),
        "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy constraint: Member must have length greater than or equal to 1");
    expectValidation(
        () -> kms.decrypt(b -> b.ciphertextBlob(random(6145))),
        "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy constraint: Member must have length less than or equal to 6144");
  }

  @Test
  void plaintextOf4097BytesIsRejected() {
    expectValidation(
        () -> kms.encrypt(b -> b.keyId(key.keyId()).plaintext(random(4097))),
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096");
  }

  @Test
  void decryptWithTheRightKeyIdWorksInEveryForm() {
    String alias = Trent.uniqueAlias("decrypt");
    kms.createAlias(b -> b.aliasName(alias).targetKeyId(key.keyId()));
    SdkBytes plaintext = random(20);
    EncryptResponse e = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(plaintext));
    for (String id : new String[] {key.keyId(), key.arn(), alias}) {
      DecryptResponse d = kms.decrypt(b -> b.ciphertextBlob(e.ciphertextBlob()).keyId(id));
      assertThat(d.plaintext()).as("Decrypt with KeyId %s", id).isEqualTo(plaintext);
      assertThat(d.keyId()).isEqualTo(key.arn());
    }
  }

  @Test
  void decryptWithAnotherKeysIdIsIncorrectKeyException() {
    EncryptResponse e = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(random(20)));
    expectError(
        () -> kms.decrypt(b -> b.ciphertextBlob(e.ciphertextBlob()).keyId(other.keyId())),
        IncorrectKeyException.class,
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.");
    expectError(
        () -> kms.decrypt(b -> b.ciphertextBlob(e.ciphertextBlob()).keyId(other.arn())),
        IncorrectKeyException.class,
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.");
  }

  @Test
  void reEncryptToAnotherKey() {
    SdkBytes plaintext = random(64);
    Map<String, String> srcCtx = Map.of("stage", "source");
    Map<String, String> dstCtx = Map.of("stage", "destination");
    EncryptResponse e = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(plaintext).encryptionContext(srcCtx));

    ReEncryptResponse r =
        kms.reEncrypt(
            b ->
                b.ciphertextBlob(e.ciphertextBlob())
                    .sourceEncryptionContext(srcCtx)
                    .destinationKeyId(other.keyId())
                    .destinationEncryptionContext(dstCtx));
    assertThat(r.sourceKeyId()).isEqualTo(key.arn());
    assertThat(r.keyId()).isEqualTo(other.arn());
    assertThat(r.sourceEncryptionAlgorithm()).isEqualTo(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT);
    assertThat(r.destinationEncryptionAlgorithm()).isEqualTo(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT);

    DecryptResponse d = kms.decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()).encryptionContext(dstCtx));
    assertThat(d.plaintext()).isEqualTo(plaintext);
    assertThat(d.keyId()).isEqualTo(other.arn());
    expectInvalidCiphertext(() -> kms.decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()).encryptionContext(srcCtx)));
  }

  @Test
  void reEncryptWireResponseHasTheAwsFields() {
    EncryptResponse e = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(random(8)));
    RawKms.Response r =
        RawKms.call(
            "ReEncrypt",
            Map.of(
                "CiphertextBlob", Base64.getEncoder().encodeToString(e.ciphertextBlob().asByteArray()),
                "DestinationKeyId", other.keyId()));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(r.json().path("SourceKeyId").asText()).isEqualTo(key.arn());
    assertThat(r.json().path("KeyId").asText()).isEqualTo(other.arn());
    assertThat(r.json().path("SourceEncryptionAlgorithm").asText()).isEqualTo("SYMMETRIC_DEFAULT");
    assertThat(r.json().path("DestinationEncryptionAlgorithm").asText()).isEqualTo("SYMMETRIC_DEFAULT");
    assertThat(r.json().path("SourceKeyMaterialId").asText()).matches("^[0-9a-f]{64}$");
    assertThat(r.json().path("DestinationKeyMaterialId").asText()).matches("^[0-9a-f]{64}$");
    assertThat(r.json().has("CiphertextBlob")).isTrue();
  }

  @Test
  void reEncryptToTheSameKeyWithANewContext() {
    SdkBytes plaintext = random(33);
    Map<String, String> oldCtx = Map.of("version", "1");
    Map<String, String> newCtx = Map.of("version", "2");
    EncryptResponse e = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(plaintext).encryptionContext(oldCtx));
    ReEncryptResponse r =
        kms.reEncrypt(
            b ->
                b.ciphertextBlob(e.ciphertextBlob())
                    .sourceKeyId(key.arn())
                    .sourceEncryptionContext(oldCtx)
                    .destinationKeyId(key.keyId())
                    .destinationEncryptionContext(newCtx));
    assertThat(r.sourceKeyId()).isEqualTo(key.arn());
    assertThat(r.keyId()).isEqualTo(key.arn());
    assertThat(r.sourceEncryptionAlgorithm()).isEqualTo(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT);
    assertThat(r.destinationEncryptionAlgorithm()).isEqualTo(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT);
    assertThat(r.ciphertextBlob()).isNotEqualTo(e.ciphertextBlob());
    assertThat(kms.decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()).encryptionContext(newCtx)).plaintext())
        .isEqualTo(plaintext);
    expectInvalidCiphertext(() -> kms.decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()).encryptionContext(oldCtx)));
  }

  @Test
  void reEncryptWithTheWrongSourceContextIsInvalidCiphertext() {
    EncryptResponse e =
        kms.encrypt(b -> b.keyId(key.keyId()).plaintext(random(16)).encryptionContext(Map.of("a", "b")));
    expectInvalidCiphertext(
        () -> kms.reEncrypt(b -> b.ciphertextBlob(e.ciphertextBlob()).destinationKeyId(other.keyId())));
  }

  @Test
  void reEncryptWithTheWrongSourceKeyIsIncorrectKeyException() {
    EncryptResponse e = kms.encrypt(b -> b.keyId(key.keyId()).plaintext(random(16)));
    expectError(
        () ->
            kms.reEncrypt(
                b -> b.ciphertextBlob(e.ciphertextBlob()).sourceKeyId(other.keyId()).destinationKeyId(other.keyId())),
        IncorrectKeyException.class,
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 1024})
  void generateRandom(int n) {
    byte[] a = kms.generateRandom(b -> b.numberOfBytes(n)).plaintext().asByteArray();
    assertThat(a).hasSize(n);
    if (n >= 16) {
      assertThat(kms.generateRandom(b -> b.numberOfBytes(n)).plaintext().asByteArray()).isNotEqualTo(a);
    }
  }

  @Test
  void generateRandomValidation() {
    expectValidation(
        () -> kms.generateRandom(b -> b.numberOfBytes(0)),
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1");
    expectValidation(
        () -> kms.generateRandom(b -> b.numberOfBytes(1025)),
        "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
    expectValidation(() -> kms.generateRandom(b -> {}), "NumberOfBytes is required.");
  }
}
