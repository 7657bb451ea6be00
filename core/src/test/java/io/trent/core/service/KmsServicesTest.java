package io.trent.core.service;

import static io.trent.core.testing.Scopes.ROOT;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trent.core.KmsServices;
import io.trent.core.api.CreateKeyRequest;
import io.trent.core.api.DataKeyResult;
import io.trent.core.api.DecryptRequest;
import io.trent.core.api.EncryptRequest;
import io.trent.core.api.GenerateDataKeyPairRequest;
import io.trent.core.api.GenerateDataKeyRequest;
import io.trent.core.api.GenerateRandomRequest;
import io.trent.core.api.ReEncryptRequest;
import io.trent.core.api.TagInput;
import io.trent.core.error.AlreadyExistsException;
import io.trent.core.error.DisabledException;
import io.trent.core.error.DryRunOperationException;
import io.trent.core.error.IncorrectKeyException;
import io.trent.core.error.InvalidCiphertextException;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.NotFoundException;
import io.trent.core.error.TagException;
import io.trent.core.error.ValidationException;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import io.trent.core.testing.InMemoryMetadataStore;
import io.trent.core.testing.SoftwareKeyBackend;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The KMS operations over pure-Java doubles of the SPIs: request validation, key states, formats. */
class KmsServicesTest {
  private static final ServiceIdentity IDENTITY = new ServiceIdentity("aws", "us-east-1", "111122223333");
  private final KmsServices kms = KmsServices.create(new SoftwareKeyBackend(), new InMemoryMetadataStore(), IDENTITY, Clock.systemUTC());

  private KmsKey newKey() {
    return kms.keys().createKey(ROOT, new CreateKeyRequest(null, "test", null, null, null, null, null, null, false, null));
  }

  private static GenerateDataKeyRequest gdk(String keyId, String spec, Integer bytes, Map<String, String> ctx) {
    return new GenerateDataKeyRequest(keyId, spec, bytes, ctx, null, false);
  }

  private static DecryptRequest decrypt(byte[] blob, Map<String, String> ctx) {
    return new DecryptRequest(blob, ctx, null, null, null, false);
  }

  @Test
  void dataKeyRoundTripsWithoutKeyIdAndResponseNamesTheArn() {
    KmsKey key = newKey();
    DataKeyResult result = kms.dataKeys().generateDataKey(ROOT, gdk(key.keyId(), "AES_256", null, Map.of("a", "b")));
    assertThat(result.plaintext()).hasSize(32);
    assertThat(result.keyArn()).isEqualTo("arn:aws:kms:us-east-1:111122223333:key/" + key.keyId());
    assertThat(result.keyMaterialId()).matches("[0-9a-f]{64}");
    assertThat(result.ciphertextBlob()).hasSize(50 + 12 + 32 + 16);
    assertThat(kms.crypto().decrypt(ROOT, decrypt(result.ciphertextBlob(), Map.of("a", "b"))).plaintext())
        .isEqualTo(result.plaintext());
  }

  @Test
  void everyEncryptionContextDifferenceFailsDecrypt() {
    KmsKey key = newKey();
    byte[] blob = kms.dataKeys().generateDataKey(ROOT, gdk(key.keyId(), null, 16, Map.of("Purpose", "test"))).ciphertextBlob();
    for (Map<String, String> wrong : List.of(Map.<String, String>of(), Map.of("purpose", "test"),
        Map.of("Purpose", "tesT"), Map.of("Purpose", "test", "x", "y"))) {
      assertThatThrownBy(() -> kms.crypto().decrypt(ROOT, decrypt(blob, wrong)))
          .isInstanceOf(InvalidCiphertextException.class)
          .satisfies(e -> assertThat(((KmsException) e).awsMessage()).isNull());
    }
  }

  @Test
  void everyTamperedByteFailsAsInvalidCiphertext() {
    KmsKey key = newKey();
    byte[] blob = kms.crypto().encrypt(ROOT, new EncryptRequest(key.keyId(), new byte[] {1, 2, 3}, null, null, null, false)).ciphertextBlob();
    for (int i = 0; i < blob.length; i++) {
      byte[] tampered = blob.clone();
      tampered[i] ^= 0x01;
      assertThatThrownBy(() -> kms.crypto().decrypt(ROOT, decrypt(tampered, null)))
          .as("flipped byte %d", i).isInstanceOf(InvalidCiphertextException.class);
    }
  }

  @Test
  void shapeValidationComesBeforeKeyLookup() {
    String unknown = UUID.randomUUID().toString();
    assertThatThrownBy(() -> kms.dataKeys().generateDataKey(ROOT, gdk(unknown, null, 0, null)))
        .isInstanceOf(ValidationException.class)
        .hasMessage("1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: "
            + "Member must have value greater than or equal to 1");
    assertThatThrownBy(() -> kms.dataKeys().generateDataKey(ROOT, gdk(unknown, null, null, null)))
        .isInstanceOf(ValidationException.class).hasMessage("Please specify either number of bytes or key spec.");
    assertThatThrownBy(() -> kms.dataKeys().generateDataKey(ROOT, gdk(unknown, "AES_256", 32, null)))
        .isInstanceOf(ValidationException.class).hasMessage("Please specify either number of bytes or key spec.");
    assertThatThrownBy(() -> kms.dataKeys().generateDataKey(ROOT, gdk(null, "AES-256", 2000, null)))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("3 validation errors detected: Value null at 'keyId' failed to satisfy constraint: "
            + "Member must not be null; Value 'AES-256' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [");
  }

  @Test
  void unknownKeysGetAwsNotFoundMessages() {
    String id = UUID.randomUUID().toString();
    assertThatThrownBy(() -> kms.keys().describeKey(ROOT, "fake-key-id"))
        .isInstanceOf(NotFoundException.class).hasMessage("Invalid keyId 'fake-key-id'");
    assertThatThrownBy(() -> kms.keys().describeKey(ROOT, id))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("Key 'arn:aws:kms:us-east-1:111122223333:key/" + id + "' does not exist");
    assertThatThrownBy(() -> kms.keys().describeKey(ROOT, "arn:aws:kms:us-west-2:111122223333:key/" + id))
        .isInstanceOf(NotFoundException.class).hasMessage("Invalid arn us-west-2");
    assertThatThrownBy(() -> kms.keys().describeKey(ROOT, "alias/nope"))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("Alias arn:aws:kms:us-east-1:111122223333:alias/nope is not found.");
  }

  @Test
  void keyStatesGateUseInAwsOrder() {
    KmsKey key = newKey();
    String arn = IDENTITY.home().keyArn(key.keyId()).value();
    byte[] blob = kms.dataKeys().generateDataKey(ROOT, gdk(key.keyId(), "AES_128", null, null)).ciphertextBlob();
    kms.keys().disableKey(ROOT, key.keyId());
    assertThatThrownBy(() -> kms.dataKeys().generateDataKey(ROOT, gdk(key.keyId(), "AES_128", null, null)))
        .isInstanceOf(DisabledException.class).hasMessage(arn + " is disabled.");
    assertThatThrownBy(() -> kms.crypto().decrypt(ROOT, decrypt(blob, null))).isInstanceOf(DisabledException.class);
    // Shape validation still wins over the key state.
    assertThatThrownBy(() -> kms.dataKeys().generateDataKey(ROOT, gdk(key.keyId(), null, 5000, null)))
        .isInstanceOf(ValidationException.class);

    kms.keys().scheduleKeyDeletion(ROOT, key.keyId(), 7);
    assertThat(kms.keys().describeKey(ROOT, key.keyId()).state()).isEqualTo(KeyState.PendingDeletion);
    assertThatThrownBy(() -> kms.crypto().decrypt(ROOT, decrypt(blob, null)))
        .isInstanceOf(KmsInvalidStateException.class).hasMessage(arn + " is pending deletion.");
    assertThatThrownBy(() -> kms.keys().scheduleKeyDeletion(ROOT, key.keyId(), 7))
        .isInstanceOf(KmsInvalidStateException.class).hasMessage(arn + " is pending deletion.");
    assertThatThrownBy(() -> kms.keys().enableKey(ROOT, key.keyId())).isInstanceOf(KmsInvalidStateException.class);

    kms.keys().cancelKeyDeletion(ROOT, key.keyId());
    KmsKey cancelled = kms.keys().describeKey(ROOT, key.keyId());
    assertThat(cancelled.state()).isEqualTo(KeyState.Disabled);
    assertThat(cancelled.deletionDate()).isNull();
    assertThatThrownBy(() -> kms.keys().cancelKeyDeletion(ROOT, key.keyId()))
        .isInstanceOf(KmsInvalidStateException.class).hasMessage(arn + " is not pending deletion.");
    kms.keys().enableKey(ROOT, key.keyId());
    assertThat(kms.crypto().decrypt(ROOT, decrypt(blob, null)).plaintext()).hasSize(16);
  }

  @Test
  void pendingWindowMustBeSevenToThirtyDays() {
    KmsKey key = newKey();
    assertThatThrownBy(() -> kms.keys().scheduleKeyDeletion(ROOT, key.keyId(), 6)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> kms.keys().scheduleKeyDeletion(ROOT, key.keyId(), 31)).isInstanceOf(ValidationException.class);
    assertThat(kms.keys().scheduleKeyDeletion(ROOT, key.keyId(), null).pendingWindowInDays()).isEqualTo(30);
  }

  @Test
  void dryRunIsTheLastCheck() {
    KmsKey key = newKey();
    assertThatThrownBy(() -> kms.dataKeys().generateDataKey(ROOT, new GenerateDataKeyRequest(key.keyId(), "AES_256", null, null, null, true)))
        .isInstanceOf(DryRunOperationException.class)
        .hasMessage("The request would have succeeded, but the DryRun option is set.");
    kms.keys().disableKey(ROOT, key.keyId());
    assertThatThrownBy(() -> kms.dataKeys().generateDataKey(ROOT, new GenerateDataKeyRequest(key.keyId(), "AES_256", null, null, null, true)))
        .isInstanceOf(DisabledException.class);
  }

  @Test
  void decryptWithAnotherKeysIdIsIncorrectKey() {
    KmsKey a = newKey();
    KmsKey b = newKey();
    byte[] blob = kms.crypto().encrypt(ROOT, new EncryptRequest(a.keyId(), new byte[] {9}, null, null, null, false)).ciphertextBlob();
    assertThatThrownBy(() -> kms.crypto().decrypt(ROOT, new DecryptRequest(blob, null, null, b.keyId(), null, false)))
        .isInstanceOf(IncorrectKeyException.class)
        .hasMessage("The key ID in the request does not identify a CMK that can perform this operation.");
    assertThat(kms.crypto().decrypt(ROOT, new DecryptRequest(blob, null, null, IDENTITY.home().keyArn(a.keyId()).value(), null, false)).plaintext())
        .containsExactly(9);
  }

  @Test
  void reEncryptMovesACiphertextToAnotherKeyAndContext() {
    KmsKey a = newKey();
    KmsKey b = newKey();
    byte[] blob = kms.crypto().encrypt(ROOT, new EncryptRequest(a.keyId(), new byte[] {4, 2}, Map.of("s", "1"), null, null, false)).ciphertextBlob();
    var result = kms.crypto().reEncrypt(ROOT, new ReEncryptRequest(blob, Map.of("s", "1"), null, b.keyId(), Map.of("d", "2"), null, null, null, false));
    assertThat(result.sourceKeyArn()).isEqualTo(IDENTITY.home().keyArn(a.keyId()).value());
    assertThat(result.keyArn()).isEqualTo(IDENTITY.home().keyArn(b.keyId()).value());
    assertThat(kms.crypto().decrypt(ROOT, decrypt(result.ciphertextBlob(), Map.of("d", "2"))).plaintext()).containsExactly(4, 2);
  }

  @Test
  void encryptLimitsAndRandomMessages() {
    KmsKey key = newKey();
    assertThatThrownBy(() -> kms.crypto().encrypt(ROOT, new EncryptRequest(key.keyId(), new byte[4097], null, null, null, false)))
        .hasMessage("1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
            + "Member must have length less than or equal to 4096");
    assertThatThrownBy(() -> kms.crypto().generateRandom(ROOT, new GenerateRandomRequest(null, null)))
        .hasMessage("NumberOfBytes is required.");
    assertThatThrownBy(() -> kms.crypto().generateRandom(ROOT, new GenerateRandomRequest(1025, null)))
        .hasMessage("1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: "
            + "Member must have value less than or equal to 1024");
    assertThat(kms.crypto().generateRandom(ROOT, new GenerateRandomRequest(1024, null))).hasSize(1024);
  }

  @Test
  void dataKeyPairPrivateKeyCiphertextDecryptsToThePkcs8() {
    KmsKey key = newKey();
    var pair = kms.dataKeys().generateDataKeyPair(ROOT, new GenerateDataKeyPairRequest(key.keyId(), "ECC_NIST_P256", null, null, false));
    assertThat(kms.crypto().decrypt(ROOT, decrypt(pair.privateKeyCiphertextBlob(), null)).plaintext()).isEqualTo(pair.privateKeyPlaintext());
    assertThatThrownBy(() -> kms.dataKeys().generateDataKeyPair(ROOT, new GenerateDataKeyPairRequest(key.keyId(), "SM2", null, null, false)))
        .isInstanceOf(KmsUnsupportedOperationException.class);
    assertThatThrownBy(() -> kms.dataKeys().generateDataKeyPair(ROOT, new GenerateDataKeyPairRequest(key.keyId(), "RSA_1024", null, null, false)))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("1 validation error detected: Value 'RSA_1024' at 'keyPairSpec' failed to satisfy constraint");
    var without = kms.dataKeys().generateDataKeyPairWithoutPlaintext(ROOT, new GenerateDataKeyPairRequest(key.keyId(), "ECC_NIST_P256", null, null, false));
    assertThat(without.privateKeyPlaintext()).isNull();
  }

  @Test
  void aliasesResolveUpdateAndDelete() {
    KmsKey a = newKey();
    KmsKey b = newKey();
    kms.aliases().createAlias(ROOT, "alias/app", a.keyId());
    assertThat(kms.keys().describeKey(ROOT, "alias/app").keyId()).isEqualTo(a.keyId());
    assertThat(kms.keys().describeKey(ROOT, IDENTITY.home().aliasArn("alias/app").value()).keyId()).isEqualTo(a.keyId());
    assertThatThrownBy(() -> kms.aliases().createAlias(ROOT, "alias/app", b.keyId())).isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(() -> kms.aliases().createAlias(ROOT, "app", b.keyId()))
        .hasMessage("Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
    kms.aliases().updateAlias(ROOT, "alias/app", b.keyId());
    assertThat(kms.keys().describeKey(ROOT, "alias/app").keyId()).isEqualTo(b.keyId());
    assertThat(kms.aliases().listAliases(ROOT, b.keyId(), null, null).items()).extracting(x -> x.name()).containsExactly("alias/app");
    kms.aliases().deleteAlias(ROOT, "alias/app");
    assertThatThrownBy(() -> kms.aliases().deleteAlias(ROOT, "alias/app")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void tagRulesMatchAws() {
    assertThatThrownBy(() -> kms.keys().createKey(ROOT, new CreateKeyRequest(null, null, null, null, null, null, null,
        List.of(new TagInput("aws:x", "v")), false, null))).isInstanceOf(TagException.class).hasMessage("Tags beginning with aws: are reserved");
    assertThatThrownBy(() -> kms.keys().createKey(ROOT, new CreateKeyRequest(null, null, null, null, null, null, null,
        List.of(new TagInput("k", "1"), new TagInput("k", "2")), false, null))).isInstanceOf(TagException.class).hasMessage("Duplicate tag keys");
    assertThatThrownBy(() -> kms.keys().createKey(ROOT, new CreateKeyRequest(null, null, null, null, null, null, null,
        List.of(new TagInput("k".repeat(129), "1")), false, null))).isInstanceOf(ValidationException.class)
        .hasMessageContaining("at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128");
  }

  @Test
  void tagsUpsertUntagAndListSortedByKey() {
    KmsKey key = kms.keys().createKey(ROOT, new CreateKeyRequest(null, null, null, null, null, null, null,
        List.of(new TagInput("b", "1"), new TagInput("a", "2")), false, null));
    kms.tags().tagResource(ROOT, key.keyId(), List.of(new TagInput("b", "updated"), new TagInput("c", "3")));
    assertThat(kms.tags().listResourceTags(ROOT, key.keyId(), null, null).items())
        .extracting(t -> t.key() + "=" + t.value()).containsExactly("a=2", "b=updated", "c=3");
    var first = kms.tags().listResourceTags(ROOT, key.keyId(), 2, null);
    assertThat(first.truncated()).isTrue();
    assertThat(kms.tags().listResourceTags(ROOT, key.keyId(), 2, first.nextMarker()).items()).extracting(t -> t.key()).containsExactly("c");
    assertThatThrownBy(() -> kms.tags().listResourceTags(ROOT, key.keyId(), 2, "bogus")).isInstanceOf(io.trent.core.error.InvalidMarkerException.class);
    kms.tags().untagResource(ROOT, key.keyId(), List.of("a", "c"));
    assertThat(kms.keys().describeKey(ROOT, key.keyId()).tags()).extracting(t -> t.key()).containsExactly("b");
    kms.tags().updateKeyDescription(ROOT, key.keyId(), "new");
    assertThat(kms.keys().describeKey(ROOT, key.keyId()).description()).isEqualTo("new");
    kms.keys().scheduleKeyDeletion(ROOT, key.keyId(), 7);
    assertThatThrownBy(() -> kms.tags().tagResource(ROOT, key.keyId(), List.of(new TagInput("x", "y"))))
        .isInstanceOf(KmsInvalidStateException.class);
  }
}
