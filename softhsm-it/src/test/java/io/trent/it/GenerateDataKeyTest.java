package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static io.trent.it.KmsAssertions.expectInvalidCiphertext;
import static io.trent.it.KmsAssertions.expectValidation;
import static io.trent.it.KmsAssertions.expectValidationPrefix;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DryRunOperationException;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyWithoutPlaintextResponse;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.InvalidGrantTokenException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/** GenerateDataKey and GenerateDataKeyWithoutPlaintext: shapes, lengths, KeyId forms, validation. */
@ExtendWith(TrentExtension.class)
class GenerateDataKeyTest {
  static final String HEX64 = "^[0-9a-f]{64}$";
  static final String NEITHER_OR_BOTH = "Please specify either number of bytes or key spec.";
  static final String ZERO_BYTES =
      "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1";
  static final String TOO_MANY_BYTES =
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024";
  static final String BAD_KEY_SPEC_PREFIX =
      "1 validation error detected: Value 'AES-256' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [";
  static final String NULL_KEY_ID =
      "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null";
  static final String DRY_RUN = "The request would have succeeded, but the DryRun option is set.";

  static KmsClient kms;
  static KeyMetadata key;
  static String alias;

  @BeforeAll
  static void setUp() {
    kms = Trent.kms();
    key = Trent.newKey("GenerateDataKeyTest");
    alias = Trent.uniqueAlias("gdk");
    kms.createAlias(b -> b.aliasName(alias).targetKeyId(key.keyId()));
  }

  static String unknownKeyId() {
    return UUID.randomUUID().toString();
  }

  @Test
  void aes256GivesA32ByteKeyThatDecrypts() {
    GenerateDataKeyResponse r = kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256));
    assertThat(r.plaintext().asByteArray()).hasSize(32);
    // 62-byte header and IV, the 32 encrypted bytes, a 16-byte tag (docs/ciphertext-format.md).
    assertThat(r.ciphertextBlob().asByteArray()).hasSize(110);
    assertThat(r.keyId()).isEqualTo(key.arn());

    DecryptResponse d = kms.decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()));
    assertThat(d.plaintext().asByteArray()).isEqualTo(r.plaintext().asByteArray());
    assertThat(d.keyId()).isEqualTo(key.arn());
  }

  @Test
  void aes128GivesA16ByteKey() {
    GenerateDataKeyResponse r = kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_128));
    assertThat(r.plaintext().asByteArray()).hasSize(16);
    DecryptResponse d = kms.decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()));
    assertThat(d.plaintext()).isEqualTo(r.plaintext());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 64, 1024})
  void numberOfBytesGivesThatManyBytes(int n) {
    GenerateDataKeyResponse r = kms.generateDataKey(b -> b.keyId(key.keyId()).numberOfBytes(n));
    assertThat(r.plaintext().asByteArray()).hasSize(n);
    assertThat(r.keyId()).isEqualTo(key.arn());
    DecryptResponse d = kms.decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()));
    assertThat(d.plaintext()).isEqualTo(r.plaintext());
  }

  @Test
  void responseKeyIdIsTheKeyArnWhateverTheRequestUsed() {
    for (String id : List.of(key.keyId(), key.arn(), alias, Trent.ALIAS_ARN_PREFIX + alias.substring("alias/".length()))) {
      GenerateDataKeyResponse r = kms.generateDataKey(b -> b.keyId(id).keySpec(DataKeySpec.AES_256));
      assertThat(r.keyId()).as("KeyId for request KeyId %s", id).isEqualTo(key.arn());
      GenerateDataKeyWithoutPlaintextResponse w =
          kms.generateDataKeyWithoutPlaintext(b -> b.keyId(id).keySpec(DataKeySpec.AES_256));
      assertThat(w.keyId()).as("KeyId (WithoutPlaintext) for request KeyId %s", id).isEqualTo(key.arn());
    }
  }

  @Test
  void wireResponseHasKeyMaterialIdOf64LowercaseHex() {
    RawKms.Response r = RawKms.call("GenerateDataKey", Map.of("KeyId", key.keyId(), "KeySpec", "AES_256"));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.path("KeyMaterialId").asText()).matches(HEX64);
    assertThat(j.path("KeyId").asText()).isEqualTo(key.arn());
    assertThat(j.has("Plaintext")).isTrue();
    assertThat(j.has("CiphertextBlob")).isTrue();

    RawKms.Response d = RawKms.call("Decrypt", Map.of("CiphertextBlob", j.get("CiphertextBlob").asText()));
    assertThat(d.status()).as("%s", d).isEqualTo(200);
    assertThat(d.json().path("KeyMaterialId").asText()).isEqualTo(j.get("KeyMaterialId").asText());
    assertThat(d.json().path("Plaintext").asText()).isEqualTo(j.get("Plaintext").asText());

    RawKms.Response w =
        RawKms.call("GenerateDataKeyWithoutPlaintext", Map.of("KeyId", key.keyId(), "NumberOfBytes", 32));
    assertThat(w.status()).as("%s", w).isEqualTo(200);
    assertThat(w.json().path("KeyMaterialId").asText()).matches(HEX64);
    assertThat(w.json().has("Plaintext")).as("WithoutPlaintext has no Plaintext: %s", w).isFalse();
  }

  @Test
  void twoCallsGiveDifferentPlaintextsAndCiphertexts() {
    GenerateDataKeyResponse a = kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256));
    GenerateDataKeyResponse b2 = kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256));
    assertThat(a.plaintext()).isNotEqualTo(b2.plaintext());
    assertThat(a.ciphertextBlob()).isNotEqualTo(b2.ciphertextBlob());
  }

  @Test
  void encryptionContextIsBoundToTheDataKey() {
    Map<String, String> ctx = Map.of("purpose", "gdk-test", "tenant", "acme");
    GenerateDataKeyResponse r =
        kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256).encryptionContext(ctx));
    DecryptResponse d = kms.decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()).encryptionContext(ctx));
    assertThat(d.plaintext()).isEqualTo(r.plaintext());
    expectInvalidCiphertext(() -> kms.decrypt(b -> b.ciphertextBlob(r.ciphertextBlob())));

    GenerateDataKeyWithoutPlaintextResponse w =
        kms.generateDataKeyWithoutPlaintext(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256).encryptionContext(ctx));
    assertThat(kms.decrypt(b -> b.ciphertextBlob(w.ciphertextBlob()).encryptionContext(ctx)).plaintext().asByteArray())
        .hasSize(32);
    expectInvalidCiphertext(() -> kms.decrypt(b -> b.ciphertextBlob(w.ciphertextBlob())));
  }

  @Test
  void grantTokensOfTheKeysGrantsAreAcceptedAndOthersRefused() {
    String t1 = kms.createGrant(b -> b.keyId(key.keyId()).granteePrincipal("arn:aws:iam::" + Trent.ACCOUNT
        + ":user/gdk").operations(GrantOperation.GENERATE_DATA_KEY, GrantOperation.DECRYPT)).grantToken();
    String t2 = kms.createGrant(b -> b.keyId(key.keyId()).granteePrincipal("arn:aws:iam::" + Trent.ACCOUNT
        + ":user/gdk").operations(GrantOperation.DECRYPT)).grantToken();
    GenerateDataKeyResponse r =
        kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256).grantTokens(t1, t2));
    assertThat(r.plaintext().asByteArray()).hasSize(32);
    assertThat(kms.decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()).grantTokens(t2)).plaintext())
        .isEqualTo(r.plaintext());
    // A token this server did not issue names no grant.
    expectError(() -> kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256)
        .grantTokens("token-1")), InvalidGrantTokenException.class, "InvalidGrantTokenException");
  }

  @Test
  void grantTokensAreValidated() {
    List<String> eleven = Collections.nCopies(11, "t");
    expectValidation(
        () -> kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256).grantTokens(eleven)),
        "1 validation error detected: Value '[t, t, t, t, t, t, t, t, t, t, t]' at 'grantTokens' failed to satisfy"
            + " constraint: Member must have length less than or equal to 10");
    expectValidation(
        () -> kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256).grantTokens("ok", "")),
        "1 validation error detected: Value '' at 'grantTokens.2.member' failed to satisfy constraint:"
            + " Member must have length greater than or equal to 1");
    String tooLong = "g".repeat(8193);
    expectValidation(
        () -> kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256).grantTokens(tooLong)),
        "1 validation error detected: Value '" + tooLong + "' at 'grantTokens.1.member' failed to satisfy constraint:"
            + " Member must have length less than or equal to 8192");
    // Ten tokens of 8192 characters pass validation; being no grant's tokens, they are refused after it.
    expectError(() -> kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256)
        .grantTokens(Collections.nCopies(10, "g".repeat(8192)))), InvalidGrantTokenException.class,
        "InvalidGrantTokenException");
  }

  @Test
  void dryRunGivesDryRunOperationException() {
    expectError(
        () -> kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256).dryRun(true)),
        DryRunOperationException.class,
        "DryRunOperationException",
        DRY_RUN);
    expectError(
        () -> kms.generateDataKeyWithoutPlaintext(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256).dryRun(true)),
        DryRunOperationException.class,
        "DryRunOperationException",
        DRY_RUN);
  }

  @Test
  void neitherKeySpecNorNumberOfBytesIsRejected() {
    expectValidation(() -> kms.generateDataKey(b -> b.keyId(key.keyId())), NEITHER_OR_BOTH);
    expectValidation(() -> kms.generateDataKeyWithoutPlaintext(b -> b.keyId(key.keyId())), NEITHER_OR_BOTH);
  }

  @Test
  void bothKeySpecAndNumberOfBytesAreRejected() {
    expectValidation(
        () -> kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256).numberOfBytes(32)),
        NEITHER_OR_BOTH);
    expectValidation(
        () -> kms.generateDataKeyWithoutPlaintext(b -> b.keyId(key.keyId()).keySpec(DataKeySpec.AES_256).numberOfBytes(32)),
        NEITHER_OR_BOTH);
  }

  @Test
  void numberOfBytesOutOfRangeIsRejected() {
    expectValidation(() -> kms.generateDataKey(b -> b.keyId(key.keyId()).numberOfBytes(0)), ZERO_BYTES);
    expectValidation(() -> kms.generateDataKey(b -> b.keyId(key.keyId()).numberOfBytes(1025)), TOO_MANY_BYTES);
    expectValidation(
        () -> kms.generateDataKeyWithoutPlaintext(b -> b.keyId(key.keyId()).numberOfBytes(0)), ZERO_BYTES);
    expectValidation(
        () -> kms.generateDataKeyWithoutPlaintext(b -> b.keyId(key.keyId()).numberOfBytes(1025)), TOO_MANY_BYTES);
  }

  @Test
  void badKeySpecIsRejected() {
    expectValidationPrefix(() -> kms.generateDataKey(b -> b.keyId(key.keyId()).keySpec("AES-256")), BAD_KEY_SPEC_PREFIX);
    expectValidationPrefix(
        () -> kms.generateDataKeyWithoutPlaintext(b -> b.keyId(key.keyId()).keySpec("AES-256")), BAD_KEY_SPEC_PREFIX);
  }

  @Test
  void missingKeyIdIsRejected() {
    expectValidation(() -> kms.generateDataKey(b -> b.keySpec(DataKeySpec.AES_256)), NULL_KEY_ID);
    expectValidation(() -> kms.generateDataKeyWithoutPlaintext(b -> b.keySpec(DataKeySpec.AES_256)), NULL_KEY_ID);
  }

  @Test
  void validationHappensBeforeKeyLookup() {
    String unknown = unknownKeyId();
    expectValidation(() -> kms.generateDataKey(b -> b.keyId(unknown).numberOfBytes(0)), ZERO_BYTES);
    expectValidation(() -> kms.generateDataKey(b -> b.keyId(unknown).numberOfBytes(1025)), TOO_MANY_BYTES);
    expectValidation(() -> kms.generateDataKey(b -> b.keyId("alias/does-not-exist-" + unknown)), NEITHER_OR_BOTH);
    expectValidationPrefix(() -> kms.generateDataKey(b -> b.keyId(unknown).keySpec("AES-256")), BAD_KEY_SPEC_PREFIX);
    expectValidation(() -> kms.generateDataKeyWithoutPlaintext(b -> b.keyId(unknown).numberOfBytes(0)), ZERO_BYTES);
  }

  @Test
  void withoutPlaintextHasNoPlaintextAndDecrypts() {
    GenerateDataKeyWithoutPlaintextResponse r =
        kms.generateDataKeyWithoutPlaintext(b -> b.keyId(alias).keySpec(DataKeySpec.AES_256));
    assertThat(r.keyId()).isEqualTo(key.arn());
    assertThat(r.ciphertextBlob().asByteArray()).hasSize(110);
    DecryptResponse d = kms.decrypt(b -> b.ciphertextBlob(r.ciphertextBlob()));
    assertThat(d.plaintext().asByteArray()).hasSize(32);
    assertThat(d.keyId()).isEqualTo(key.arn());

    GenerateDataKeyWithoutPlaintextResponse r16 =
        kms.generateDataKeyWithoutPlaintext(b -> b.keyId(key.arn()).keySpec(DataKeySpec.AES_128));
    assertThat(kms.decrypt(b -> b.ciphertextBlob(r16.ciphertextBlob())).plaintext().asByteArray()).hasSize(16);

    GenerateDataKeyWithoutPlaintextResponse r64 =
        kms.generateDataKeyWithoutPlaintext(b -> b.keyId(key.keyId()).numberOfBytes(64));
    assertThat(kms.decrypt(b -> b.ciphertextBlob(r64.ciphertextBlob())).plaintext().asByteArray()).hasSize(64);
  }
}
