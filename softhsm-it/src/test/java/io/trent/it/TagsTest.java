package io.trent.it;

import static io.trent.it.KmsAssertions.expectError;
import static io.trent.it.KmsAssertions.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.ListResourceTagsResponse;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.kms.model.TagException;

/** TagResource, UntagResource, ListResourceTags (sorted by TagKey, paged) and UpdateKeyDescription. */
@ExtendWith(TrentExtension.class)
class TagsTest {
  static KmsClient kms() {
    return Trent.kms();
  }

  static Tag tag(String k, String v) {
    return Tag.builder().tagKey(k).tagValue(v).build();
  }

  static List<Tag> tags(String keyId) {
    ListResourceTagsResponse r = kms().listResourceTags(b -> b.keyId(keyId));
    assertThat(r.truncated()).isFalse();
    return r.tags();
  }

  @Test
  void tagUpsertsAndListIsSortedByTagKey() {
    KeyMetadata k = kms().createKey(b -> b.description("TagsTest upsert")
        .tags(tag("tag3", "value3"), tag("tag1", "value1"), tag("tag2", "value2"))).keyMetadata();
    assertThat(tags(k.keyId())).containsExactly(tag("tag1", "value1"), tag("tag2", "value2"), tag("tag3", "value3"));

    kms().tagResource(b -> b.keyId(k.keyId()).tags(tag("tag5", "value5"), tag("tag2", "updated_value2"), tag("tag4", "value4")));
    assertThat(tags(k.arn())).containsExactly(tag("tag1", "value1"), tag("tag2", "updated_value2"), tag("tag3", "value3"),
        tag("tag4", "value4"), tag("tag5", "value5"));

    kms().untagResource(b -> b.keyId(k.keyId()).tagKeys("tag2", "tag4", "no-such-tag"));
    assertThat(tags(k.keyId())).containsExactly(tag("tag1", "value1"), tag("tag3", "value3"), tag("tag5", "value5"));

    kms().untagResource(b -> b.keyId(k.keyId()).tagKeys("tag1", "tag3", "tag5"));
    assertThat(tags(k.keyId())).isEmpty();
    JsonNode raw = Wire.ok("ListResourceTags", Map.of("KeyId", k.keyId()));
    assertThat(raw.path("Tags").isArray()).isTrue();
    assertThat(raw.path("Tags")).isEmpty();
    assertThat(raw.path("Truncated").asBoolean()).isFalse();
    assertThat(raw.has("NextMarker")).isFalse();
  }

  @Test
  void emptyTagValueIsAllowedAndKeysAreCaseSensitive() {
    KeyMetadata k = Trent.newKey("TagsTest empty value");
    kms().tagResource(b -> b.keyId(k.keyId()).tags(tag("Env", ""), tag("env", "prod")));
    assertThat(tags(k.keyId())).containsExactly(tag("Env", ""), tag("env", "prod"));
  }

  @Test
  void tagsWorkOnEveryKeyType() {
    for (KeyMetadata k : List.of(
        TestKeys.create("ECC_NIST_P256", KeyUsageType.SIGN_VERIFY, "TagsTest ecc"),
        TestKeys.create("HMAC_256", KeyUsageType.GENERATE_VERIFY_MAC, "TagsTest hmac"))) {
      kms().tagResource(b -> b.keyId(k.keyId()).tags(tag("b", "2"), tag("a", "1")));
      assertThat(tags(k.keyId())).containsExactly(tag("a", "1"), tag("b", "2"));
    }
  }

  @Test
  void listResourceTagsPages() {
    KeyMetadata k = Trent.newKey("TagsTest paging");
    List<Tag> all = IntStream.range(0, 7).mapToObj(i -> tag("k" + i, "v" + i)).toList();
    kms().tagResource(b -> b.keyId(k.keyId()).tags(all));
    List<Tag> seen = new ArrayList<>();
    String marker = null;
    int pages = 0;
    do {
      String m = marker;
      ListResourceTagsResponse r = kms().listResourceTags(b -> b.keyId(k.keyId()).limit(3).marker(m));
      assertThat(r.tags().size()).isLessThanOrEqualTo(3);
      seen.addAll(r.tags());
      if (r.truncated()) {
        assertThat(r.nextMarker()).isNotEmpty();
      } else {
        assertThat(r.nextMarker()).isNull();
      }
      marker = r.truncated() ? r.nextMarker() : null;
      pages++;
    } while (marker != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyElementsOf(all);
    expectError(() -> kms().listResourceTags(b -> b.keyId(k.keyId()).limit(3).marker("not-a-marker")),
        software.amazon.awssdk.services.kms.model.InvalidMarkerException.class, "InvalidMarkerException");
  }

  @Test
  void tagErrors() {
    KeyMetadata k = Trent.newKey("TagsTest errors");
    expectError(() -> kms().tagResource(b -> b.keyId(k.keyId()).tags(tag("dup", "1"), tag("dup", "2"))),
        TagException.class, "TagException", "Duplicate tag keys");
    expectError(() -> kms().tagResource(b -> b.keyId(k.keyId()).tags(tag("aws:reserved", "x"))),
        TagException.class, "TagException", "Tags beginning with aws: are reserved");
    expectError(() -> kms().tagResource(b -> b.keyId(k.keyId()).tags(tag("AWS:key1", "x"))),
        TagException.class, "TagException", "Tags beginning with aws: are reserved");
    expectError(() -> kms().createKey(b -> b.tags(tag("aws:key1", "x"))),
        TagException.class, "TagException", "Tags beginning with aws: are reserved");
    List<Tag> fiftyOne = IntStream.range(0, 51).mapToObj(i -> tag("t" + i, "v")).toList();
    expectError(() -> kms().createKey(b -> b.tags(fiftyOne)), TagException.class, "TagException", "Too many tags");
    // 50 in one request is fine; one more through TagResource is not.
    kms().tagResource(b -> b.keyId(k.keyId()).tags(fiftyOne.subList(0, 50)));
    expectError(() -> kms().tagResource(b -> b.keyId(k.keyId()).tags(tag("one-more", "v"))),
        TagException.class, "TagException", "Too many tags");
    // Replacing an existing key's value at 50 tags is fine.
    kms().tagResource(b -> b.keyId(k.keyId()).tags(tag("t0", "replaced")));
    assertThat(kms().listResourceTagsPaginator(b -> b.keyId(k.keyId())).tags()).hasSize(50).contains(tag("t0", "replaced"));

    String longKey = "a".repeat(129);
    expectValidation(() -> kms().tagResource(b -> b.keyId(k.keyId()).tags(tag(longKey, "v"))),
        "1 validation error detected: Value '" + longKey + "' at 'tags.1.member.tagKey' failed to satisfy constraint: "
            + "Member must have length less than or equal to 128");
    String longValue = "v".repeat(257);
    expectValidation(() -> kms().createKey(b -> b.tags(tag("ok", longValue))),
        "1 validation error detected: Value '" + longValue + "' at 'tags.1.member.tagValue' failed to satisfy constraint: "
            + "Member must have length less than or equal to 256");
  }

  @Test
  void aKeyPendingDeletionCannotBeTaggedButItsTagsAreListed() {
    KeyMetadata k = kms().createKey(b -> b.description("TagsTest pending").tags(tag("a", "1"))).keyMetadata();
    kms().scheduleKeyDeletion(b -> b.keyId(k.keyId()).pendingWindowInDays(7));
    String msg = k.arn() + " is pending deletion.";
    expectError(() -> kms().tagResource(b -> b.keyId(k.keyId()).tags(tag("b", "2"))),
        KmsInvalidStateException.class, "KMSInvalidStateException", msg);
    expectError(() -> kms().untagResource(b -> b.keyId(k.keyId()).tagKeys("a")),
        KmsInvalidStateException.class, "KMSInvalidStateException", msg);
    expectError(() -> kms().updateKeyDescription(b -> b.keyId(k.keyId()).description("new")),
        KmsInvalidStateException.class, "KMSInvalidStateException", msg);
    assertThat(tags(k.keyId())).containsExactly(tag("a", "1"));
    kms().cancelKeyDeletion(b -> b.keyId(k.keyId()));
  }

  @Test
  void unknownKeyIsNotFound() {
    String id = java.util.UUID.randomUUID().toString();
    expectError(() -> kms().listResourceTags(b -> b.keyId(id)), NotFoundException.class, "NotFoundException",
        "Key '" + Trent.KEY_ARN_PREFIX + id + "' does not exist");
    expectError(() -> kms().tagResource(b -> b.keyId(id).tags(tag("a", "b"))), NotFoundException.class,
        "NotFoundException", "Key '" + Trent.KEY_ARN_PREFIX + id + "' does not exist");
  }

  @Test
  void updateKeyDescription() {
    KeyMetadata k = Trent.newKey("TagsTest description");
    kms().updateKeyDescription(b -> b.keyId(k.arn()).description("a new description"));
    assertThat(kms().describeKey(b -> b.keyId(k.keyId())).keyMetadata().description()).isEqualTo("a new description");
    kms().updateKeyDescription(b -> b.keyId(k.keyId()).description(""));
    JsonNode m = Wire.metadata(k.keyId());
    assertThat(m.has("Description")).as("Description is present even when empty").isTrue();
    assertThat(m.path("Description").asText()).isEmpty();
    // Works on a disabled key, and on an HMAC key.
    kms().disableKey(b -> b.keyId(k.keyId()));
    kms().updateKeyDescription(b -> b.keyId(k.keyId()).description("disabled"));
    assertThat(kms().describeKey(b -> b.keyId(k.keyId())).keyMetadata().description()).isEqualTo("disabled");
    KeyMetadata h = TestKeys.create("HMAC_256", KeyUsageType.GENERATE_VERIFY_MAC, "TagsTest hmac description");
    kms().updateKeyDescription(b -> b.keyId(h.keyId()).description("hmac"));
    assertThat(kms().describeKey(b -> b.keyId(h.keyId())).keyMetadata().description()).isEqualTo("hmac");

    String tooLong = "d".repeat(8193);
    expectError(() -> kms().updateKeyDescription(b -> b.keyId(k.keyId()).description(tooLong)),
        software.amazon.awssdk.services.kms.model.KmsException.class, "ValidationException");
  }
}
