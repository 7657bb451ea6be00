package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static io.trent.it.KmsAssertions.expectValidation;
import static io.trent.it.KmsAssertions.named;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.CustomerMasterKeySpec;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.InvalidArnException;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyManagerType;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;

/** CreateKey/DescribeKey metadata, ListKeys paging, alias CRUD and listing, unknown-key errors. */
@ExtendWith(TrentExtension.class)
class KeysAndAliasesTest {
  static KmsClient kms;

  @BeforeAll
  static void setUp() {
    kms = Trent.kms();
  }

  static String aliasArn(String aliasName) {
    return Trent.ALIAS_ARN_PREFIX + aliasName.substring("alias/".length());
  }

  @Test
  void createKeyReturnsFullSymmetricMetadataAndDescribeKeyTheSame() {
    Instant before = Trent.now().minusSeconds(5);
    KeyMetadata m =
        kms.createKey(
                b -> b.description("test key 123")
                    .tags(Tag.builder().tagKey("team").tagValue("crypto").build(),
                        Tag.builder().tagKey("env").tagValue("it").build()))
            .keyMetadata();
    assertThat(m.awsAccountId()).isEqualTo(Trent.ACCOUNT);
    assertThat(m.keyId()).matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    assertThat(m.arn()).isEqualTo(Trent.KEY_ARN_PREFIX + m.keyId());
    assertThat(m.creationDate()).isBetween(before, Trent.now().plusSeconds(5));
    assertThat(m.customerMasterKeySpec()).isEqualTo(CustomerMasterKeySpec.SYMMETRIC_DEFAULT);
    assertThat(m.keySpec()).isEqualTo(KeySpec.SYMMETRIC_DEFAULT);
    assertThat(m.description()).isEqualTo("test key 123");
    assertThat(m.enabled()).isTrue();
    assertThat(m.encryptionAlgorithms()).containsExactly(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT);
    assertThat(m.keyManager()).isEqualTo(KeyManagerType.CUSTOMER);
    assertThat(m.keyState()).isEqualTo(KeyState.ENABLED);
    assertThat(m.keyUsage()).isEqualTo(KeyUsageType.ENCRYPT_DECRYPT);
    assertThat(m.multiRegion()).isFalse();
    assertThat(m.origin()).isEqualTo(OriginType.AWS_KMS);
    assertThat(m.deletionDate()).isNull();
    assertThat(m.hasSigningAlgorithms()).isFalse();
    assertThat(m.hasMacAlgorithms()).isFalse();
    assertThat(m.multiRegionConfiguration()).isNull();

    assertThat(kms.describeKey(b -> b.keyId(m.keyId())).keyMetadata()).isEqualTo(m);
    assertThat(kms.describeKey(b -> b.keyId(m.arn())).keyMetadata()).isEqualTo(m);
  }

  @Test
  void keyMetadataOnTheWireHasExactlyTheAwsFields() {
    RawKms.Response c =
        RawKms.call(
            "CreateKey",
            Map.of("Description", "wire key", "Tags", List.of(Map.of("TagKey", "k", "TagValue", "v"))));
    assertThat(c.status()).as("%s", c).isEqualTo(200);
    JsonNode m = c.json().get("KeyMetadata");
    assertThat(fieldNames(m))
        .containsExactlyInAnyOrder(
            "AWSAccountId", "Arn", "CreationDate", "CurrentKeyMaterialId", "CustomerMasterKeySpec", "Description",
            "Enabled", "EncryptionAlgorithms", "KeyId", "KeyManager", "KeySpec", "KeyState", "KeyUsage",
            "MultiRegion", "Origin");
    assertThat(m.get("AWSAccountId").asText()).isEqualTo(Trent.ACCOUNT);
    assertThat(m.get("CreationDate").isNumber()).as("CreationDate is epoch seconds as a JSON number").isTrue();
    assertThat(m.get("CreationDate").asDouble())
        .isBetween(Trent.now().getEpochSecond() - 60.0, Trent.now().getEpochSecond() + 60.0);
    assertThat(m.get("CurrentKeyMaterialId").asText()).matches("^[0-9a-f]{64}$");
    assertThat(m.get("Enabled").isBoolean()).isTrue();
    assertThat(m.get("MultiRegion").isBoolean()).isTrue();
    assertThat(m.get("MultiRegion").asBoolean()).isFalse();
    assertThat(m.get("KeyManager").asText()).isEqualTo("CUSTOMER");
    assertThat(m.get("Origin").asText()).isEqualTo("AWS_KMS");
    assertThat(m.get("Description").asText()).isEqualTo("wire key");

    RawKms.Response d = RawKms.call("DescribeKey", Map.of("KeyId", m.get("KeyId").asText()));
    assertThat(d.status()).as("%s", d).isEqualTo(200);
    assertThat(fieldNames(d.json())).containsExactly("KeyMetadata");
    assertThat(d.json().get("KeyMetadata")).isEqualTo(m);

    // Description defaults to "" and is present even when empty.
    RawKms.Response e = RawKms.call("CreateKey", "{}");
    assertThat(e.status()).as("%s", e).isEqualTo(200);
    assertThat(e.json().get("KeyMetadata").has("Description")).isTrue();
    assertThat(e.json().get("KeyMetadata").get("Description").asText()).isEmpty();
  }

  @Test
  void tagsGivenToCreateKeyAreListed() {
    KeyMetadata m =
        kms.createKey(
                b -> b.tags(Tag.builder().tagKey("b-tag").tagValue("2").build(),
                    Tag.builder().tagKey("a-tag").tagValue("").build()))
            .keyMetadata();
    List<Tag> tags = kms.listResourceTags(b -> b.keyId(m.keyId())).tags();
    assertThat(tags)
        .containsExactlyInAnyOrder(
            Tag.builder().tagKey("a-tag").tagValue("").build(), Tag.builder().tagKey("b-tag").tagValue("2").build());
  }

  static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  @Test
  void listKeysPagesOverEveryKeyOnce() {
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      created.add(Trent.newKey("ListKeys " + i).keyId());
    }
    List<String> seen = new ArrayList<>();
    String marker = null;
    int pages = 0;
    do {
      String m = marker;
      ListKeysResponse r = kms.listKeys(b -> b.limit(2).marker(m));
      pages++;
      assertThat(r.keys().size()).isBetween(0, 2);
      for (KeyListEntry k : r.keys()) {
        assertThat(k.keyArn()).isEqualTo(Trent.KEY_ARN_PREFIX + k.keyId());
        seen.add(k.keyId());
      }
      if (r.truncated()) {
        assertThat(r.nextMarker()).as("NextMarker on a truncated page").isNotEmpty();
      } else {
        assertThat(r.nextMarker()).as("NextMarker only when truncated").isNull();
      }
      marker = r.truncated() ? r.nextMarker() : null;
      assertThat(pages).as("paging terminates").isLessThan(10_000);
    } while (marker != null);
    assertThat(pages).isGreaterThanOrEqualTo(3);
    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen).containsAll(created);

    // Without a Limit, one page has them all (default 100 is enough here) and the same set.
    ListKeysResponse all = kms.listKeys(b -> b.limit(1000));
    assertThat(all.truncated()).isFalse();
    assertThat(all.nextMarker()).isNull();
    assertThat(all.keys().stream().map(KeyListEntry::keyId).collect(Collectors.toSet()))
        .isEqualTo(new HashSet<>(seen));
  }

  @Test
  void listKeysWithAnInvalidMarkerIsInvalidMarkerException() {
    expectError(
        () -> kms.listKeys(b -> b.limit(2).marker("this-is-not-a-marker")),
        software.amazon.awssdk.services.kms.model.InvalidMarkerException.class,
        "InvalidMarkerException");
  }

  @Test
  void createAliasNeedsTheAliasPrefix() {
    KeyMetadata k = Trent.newKey("alias prefix");
    expectValidation(
        () -> kms.createAlias(b -> b.aliasName("no-prefix-" + UUID.randomUUID()).targetKeyId(k.keyId())),
        "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
  }

  @Test
  void duplicateAliasIsAlreadyExists() {
    KeyMetadata k = Trent.newKey("alias dup");
    KeyMetadata k2 = Trent.newKey("alias dup 2");
    String alias = Trent.uniqueAlias("dup");
    kms.createAlias(b -> b.aliasName(alias).targetKeyId(k.keyId()));
    expectError(
        () -> kms.createAlias(b -> b.aliasName(alias).targetKeyId(k2.keyId())),
        AlreadyExistsException.class,
        "AlreadyExistsException");
    // The alias still points at the first key.
    assertThat(kms.describeKey(b -> b.keyId(alias)).keyMetadata().keyId()).isEqualTo(k.keyId());
  }

  @Test
  void awsPrefixIsReserved() {
    KeyMetadata k = Trent.newKey("alias reserved");
    // AWS documents the reservation but not its error; this pins Trent's choice so that a change is deliberate.
    expectError(() -> kms.createAlias(b -> b.aliasName("alias/aws/my-alias").targetKeyId(k.keyId())),
        KmsException.class, "AccessDeniedException", "The alias/aws/ prefix is reserved for AWS managed keys.");
    expectError(() -> kms.describeKey(b -> b.keyId("alias/aws/my-alias")), NotFoundException.class, "NotFoundException");
  }

  @Test
  void describeKeyAndUseByAliasNameAndAliasArn() {
    KeyMetadata k = Trent.newKey("alias use");
    String alias = Trent.uniqueAlias("use");
    kms.createAlias(b -> b.aliasName(alias).targetKeyId(k.arn()));
    assertThat(kms.describeKey(b -> b.keyId(alias)).keyMetadata()).isEqualTo(k);
    assertThat(kms.describeKey(b -> b.keyId(aliasArn(alias))).keyMetadata()).isEqualTo(k);
    assertThat(kms.encrypt(b -> b.keyId(aliasArn(alias)).plaintext(software.amazon.awssdk.core.SdkBytes.fromUtf8String("x"))).keyId())
        .isEqualTo(k.arn());
  }

  @Test
  void listAliasesAllFilteredAndPaged() {
    KeyMetadata k1 = Trent.newKey("list aliases 1");
    KeyMetadata k2 = Trent.newKey("list aliases 2");
    Set<String> k1Aliases = new LinkedHashSet<>();
    for (int i = 0; i < 3; i++) {
      String a = Trent.uniqueAlias("list1");
      kms.createAlias(b -> b.aliasName(a).targetKeyId(k1.keyId()));
      k1Aliases.add(a);
    }
    String a2 = Trent.uniqueAlias("list2");
    kms.createAlias(b -> b.aliasName(a2).targetKeyId(k2.arn()));

    ListAliasesResponse all = kms.listAliases(b -> b.limit(100));
    Map<String, AliasListEntry> byName =
        all.aliases().stream().collect(Collectors.toMap(AliasListEntry::aliasName, a -> a, (x, y) -> x));
    assertThat(byName.keySet()).containsAll(k1Aliases).contains(a2);
    for (String a : k1Aliases) {
      assertThat(byName.get(a).aliasArn()).isEqualTo(aliasArn(a));
      assertThat(byName.get(a).targetKeyId()).isEqualTo(k1.keyId());
    }
    assertThat(byName.get(a2).targetKeyId()).isEqualTo(k2.keyId());

    for (String filter : List.of(k1.keyId(), k1.arn())) {
      ListAliasesResponse f = kms.listAliases(b -> b.keyId(filter));
      assertThat(f.aliases()).extracting(AliasListEntry::aliasName).containsExactlyInAnyOrderElementsOf(k1Aliases);
      assertThat(f.aliases()).extracting(AliasListEntry::targetKeyId).containsOnly(k1.keyId());
      assertThat(f.truncated()).isFalse();
    }

    // Paging, filtered: one per page.
    List<String> paged = new ArrayList<>();
    String marker = null;
    int pages = 0;
    do {
      String m = marker;
      ListAliasesResponse r = kms.listAliases(b -> b.keyId(k1.keyId()).limit(1).marker(m));
      pages++;
      assertThat(r.aliases()).hasSizeLessThanOrEqualTo(1);
      r.aliases().forEach(a -> paged.add(a.aliasName()));
      if (r.truncated()) {
        assertThat(r.nextMarker()).isNotEmpty();
      } else {
        assertThat(r.nextMarker()).isNull();
      }
      marker = r.truncated() ? r.nextMarker() : null;
      assertThat(pages).isLessThan(100);
    } while (marker != null);
    assertThat(paged).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(k1Aliases);

    // Paging over all aliases: every alias exactly once.
    List<String> everything = new ArrayList<>();
    marker = null;
    do {
      String m = marker;
      ListAliasesResponse r = kms.listAliases(b -> b.limit(2).marker(m));
      r.aliases().forEach(a -> everything.add(a.aliasName()));
      marker = r.truncated() ? r.nextMarker() : null;
    } while (marker != null);
    assertThat(everything).doesNotHaveDuplicates();
    assertThat(new HashSet<>(everything)).isEqualTo(byName.keySet());
  }

  @Test
  void keyOnlyOperationsRefuseAliases() {
    KeyMetadata k = Trent.newKey("key-only operations");
    String alias = Trent.uniqueAlias("keyonly");
    kms.createAlias(b -> b.aliasName(alias).targetKeyId(k.keyId()));
    for (String id : List.of(alias, aliasArn(alias))) {
      Map<String, ThrowingCallable> operations = new LinkedHashMap<>();
      operations.put("EnableKey", () -> kms.enableKey(b -> b.keyId(id)));
      operations.put("DisableKey", () -> kms.disableKey(b -> b.keyId(id)));
      operations.put("ScheduleKeyDeletion", () -> kms.scheduleKeyDeletion(b -> b.keyId(id)));
      operations.put("CancelKeyDeletion", () -> kms.cancelKeyDeletion(b -> b.keyId(id)));
      operations.put("UpdateKeyDescription", () -> kms.updateKeyDescription(b -> b.keyId(id).description("d")));
      operations.put("TagResource", () -> kms.tagResource(b -> b.keyId(id).tags(t -> t.tagKey("k").tagValue("v"))));
      operations.put("UntagResource", () -> kms.untagResource(b -> b.keyId(id).tagKeys("k")));
      operations.put("ListResourceTags", () -> kms.listResourceTags(b -> b.keyId(id)));
      operations.put("EnableKeyRotation", () -> kms.enableKeyRotation(b -> b.keyId(id)));
      operations.put("DisableKeyRotation", () -> kms.disableKeyRotation(b -> b.keyId(id)));
      operations.put("GetKeyRotationStatus", () -> kms.getKeyRotationStatus(b -> b.keyId(id)));
      operations.put("RotateKeyOnDemand", () -> kms.rotateKeyOnDemand(b -> b.keyId(id)));
      operations.put("ListKeyRotations", () -> kms.listKeyRotations(b -> b.keyId(id)));
      operations.put("GetParametersForImport", () -> kms.getParametersForImport(b -> b.keyId(id)
          .wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256).wrappingKeySpec(WrappingKeySpec.RSA_2048)));
      operations.put("DeleteImportedKeyMaterial", () -> kms.deleteImportedKeyMaterial(b -> b.keyId(id)));
      operations.forEach((name, call) -> named(name + " with " + id, () -> expectError(call,
          InvalidArnException.class, "InvalidArnException", "Key Aliases are not supported for this operation.")));
    }
    // Nothing happened to the key, and operations that take aliases still do.
    KeyMetadata after = kms.describeKey(b -> b.keyId(alias)).keyMetadata();
    assertThat(after.keyState()).isEqualTo(KeyState.ENABLED);
    assertThat(after.description()).isEqualTo("key-only operations");
  }

  @Test
  void pagingWorksPastTheLongestAliasName() {
    KeyMetadata k = Trent.newKey("longest alias");
    String prefix = "alias/" + UUID.randomUUID() + "-";
    String longest = prefix + "a".repeat(256 - prefix.length());
    String next = prefix + "b".repeat(256 - prefix.length());
    assertThat(longest).hasSize(256);
    kms.createAlias(b -> b.aliasName(longest).targetKeyId(k.keyId()));
    kms.createAlias(b -> b.aliasName(next).targetKeyId(k.keyId()));

    ListAliasesResponse first = kms.listAliases(b -> b.keyId(k.keyId()).limit(1));
    assertThat(first.aliases()).extracting(AliasListEntry::aliasName).containsExactly(longest);
    assertThat(first.truncated()).isTrue();
    // The marker encodes the 256-character name, so it is longer than 320 characters (Trent's old limit);
    // the KMS model allows markers of up to 1024.
    assertThat(first.nextMarker().length()).isBetween(321, 1024);
    ListAliasesResponse second = kms.listAliases(b -> b.keyId(k.keyId()).limit(1).marker(first.nextMarker()));
    assertThat(second.aliases()).extracting(AliasListEntry::aliasName).containsExactly(next);
    assertThat(second.truncated()).isFalse();

    expectValidation(() -> kms.listAliases(b -> b.marker("m".repeat(1025))),
        "1 validation error detected: Value '" + "m".repeat(1025)
            + "' at 'marker' failed to satisfy constraint: Member must have length less than or equal to 1024");
  }

  @Test
  void updateAliasPointsItAtTheNewKey() {
    KeyMetadata k1 = Trent.newKey("update alias 1");
    KeyMetadata k2 = Trent.newKey("update alias 2");
    String alias = Trent.uniqueAlias("update");
    kms.createAlias(b -> b.aliasName(alias).targetKeyId(k1.keyId()));
    assertThat(kms.generateDataKey(b -> b.keyId(alias).keySpec(DataKeySpec.AES_256)).keyId()).isEqualTo(k1.arn());

    kms.updateAlias(b -> b.aliasName(alias).targetKeyId(k2.keyId()));
    assertThat(kms.describeKey(b -> b.keyId(alias)).keyMetadata().keyId()).isEqualTo(k2.keyId());
    assertThat(kms.generateDataKey(b -> b.keyId(alias).keySpec(DataKeySpec.AES_256)).keyId()).isEqualTo(k2.arn());
    assertThat(kms.listAliases(b -> b.keyId(k2.keyId())).aliases())
        .extracting(AliasListEntry::aliasName)
        .containsExactly(alias);
    assertThat(kms.listAliases(b -> b.keyId(k1.keyId())).aliases()).isEmpty();
  }

  @Test
  void deleteAliasThenUseIsNotFound() {
    KeyMetadata k = Trent.newKey("delete alias");
    String alias = Trent.uniqueAlias("delete");
    kms.createAlias(b -> b.aliasName(alias).targetKeyId(k.keyId()));
    kms.deleteAlias(b -> b.aliasName(alias));
    String msg = "Alias " + aliasArn(alias) + " is not found.";
    expectError(
        () -> kms.generateDataKey(b -> b.keyId(alias).keySpec(DataKeySpec.AES_256)),
        NotFoundException.class, "NotFoundException", msg);
    expectError(() -> kms.describeKey(b -> b.keyId(alias)), NotFoundException.class, "NotFoundException", msg);
    expectError(() -> kms.deleteAlias(b -> b.aliasName(alias)), NotFoundException.class, "NotFoundException", msg);
    expectError(
        () -> kms.updateAlias(b -> b.aliasName(alias).targetKeyId(k.keyId())),
        NotFoundException.class, "NotFoundException", msg);
    assertThat(kms.listAliases(b -> b.keyId(k.keyId())).aliases()).isEmpty();
    // The key itself is untouched.
    assertThat(kms.describeKey(b -> b.keyId(k.keyId())).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
  }

  @Test
  void malformedKeyIdIsInvalidKeyId() {
    expectError(
        () -> kms.describeKey(b -> b.keyId("fake-key-id")),
        NotFoundException.class, "NotFoundException", "Invalid keyId 'fake-key-id'");
    expectError(
        () -> kms.generateDataKey(b -> b.keyId("fake-key-id").keySpec(DataKeySpec.AES_256)),
        NotFoundException.class, "NotFoundException", "Invalid keyId 'fake-key-id'");
    expectError(
        () -> kms.describeKey(b -> b.keyId("134f2428cec14b25a1ae9048164dba47")),
        NotFoundException.class, "NotFoundException", "Invalid keyId '134f2428cec14b25a1ae9048164dba47'");
  }

  @Test
  void wellFormedUnknownKeyIdDoesNotExist() {
    String id = UUID.randomUUID().toString();
    String msg = "Key '" + Trent.KEY_ARN_PREFIX + id + "' does not exist";
    expectError(() -> kms.describeKey(b -> b.keyId(id)), NotFoundException.class, "NotFoundException", msg);
    expectError(
        () -> kms.describeKey(b -> b.keyId(Trent.KEY_ARN_PREFIX + id)), NotFoundException.class, "NotFoundException", msg);
    expectError(
        () -> kms.generateDataKey(b -> b.keyId(id).keySpec(DataKeySpec.AES_256)),
        NotFoundException.class, "NotFoundException", msg);
    expectError(
        () -> kms.encrypt(b -> b.keyId(Trent.KEY_ARN_PREFIX + id).plaintext(software.amazon.awssdk.core.SdkBytes.fromUtf8String("x"))),
        NotFoundException.class, "NotFoundException", msg);
  }

  @Test
  void keyArnOfAnotherRegionIsInvalidArn() {
    KeyMetadata k = Trent.newKey("other region");
    String westArn = "arn:aws:kms:us-west-2:" + Trent.ACCOUNT + ":key/" + k.keyId();
    expectError(() -> kms.describeKey(b -> b.keyId(westArn)), NotFoundException.class, "NotFoundException", "Invalid arn us-west-2");
    expectError(
        () -> kms.generateDataKey(b -> b.keyId(westArn).keySpec(DataKeySpec.AES_256)),
        NotFoundException.class, "NotFoundException", "Invalid arn us-west-2");
  }

  @Test
  void creationDateIsRecent() {
    KeyMetadata k = Trent.newKey("date");
    assertThat(Duration.between(k.creationDate(), Trent.now()).abs()).isLessThan(Duration.ofMinutes(1));
  }
}
