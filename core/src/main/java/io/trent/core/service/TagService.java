package io.trent.core.service;

import io.trent.core.auth.RequestScope;
import io.trent.core.api.TagInput;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.catalog.KeyResolver;
import io.trent.core.error.InvalidMarkerException;
import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.error.TagException;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Tag;
import io.trent.core.spi.Page;
import io.trent.core.validation.ShapeValidator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** TagResource, UntagResource, ListResourceTags and UpdateKeyDescription. */
public final class TagService {
  private static final String MARKER_PREFIX = "t1:";
  private final KeyCatalog catalog;
  private final KeyResolver resolver;

  TagService(KeyCatalog catalog, KeyResolver resolver) {
    this.catalog = catalog;
    this.resolver = resolver;
  }

  /** Adds tags, replacing the value of keys that exist. */
  public void tagResource(RequestScope scope, String keyId, List<TagInput> tags) {
    ShapeValidator.create().keyId("keyId", keyId, true).required("tags", tags).validate();
    List<Tag> added = TagRules.validate(tags);
    KmsKey key = writableKey(scope, keyId);
    catalog.updateKey(key.keyId(), current -> {
      Map<String, Tag> merged = new LinkedHashMap<>();
      current.tags().forEach(t -> merged.put(t.key(), t));
      added.forEach(t -> merged.put(t.key(), t));
      if (merged.size() > TagRules.MAX_TAGS) {
        throw new TagException("Too many tags");
      }
      return current.withTags(new ArrayList<>(merged.values()));
    });
  }

  public void untagResource(RequestScope scope, String keyId, List<String> tagKeys) {
    ShapeValidator.create().keyId("keyId", keyId, true).required("tagKeys", tagKeys)
        .stringList("tagKeys", tagKeys, Integer.MAX_VALUE, 1, 128).validate();
    KmsKey key = writableKey(scope, keyId);
    Set<String> removed = Set.copyOf(tagKeys);
    catalog.updateKey(key.keyId(), current ->
        current.withTags(current.tags().stream().filter(t -> !removed.contains(t.key())).toList()));
  }

  /** Tags sorted by key, as AWS lists them. */
  public Page<Tag> listResourceTags(RequestScope scope, String keyId, Integer limit, String marker) {
    ShapeValidator.create().keyId("keyId", keyId, true).range("limit", limit, 1, 50)
        .marker("marker", marker).validate();
    KmsKey key = resolver.resolveKeyOnly(scope, keyId);
    List<Tag> sorted = key.tags().stream().sorted(Comparator.comparing(Tag::key)).toList();
    int start = marker == null ? 0 : decode(marker, sorted.size());
    int end = Math.min(sorted.size(), start + (limit == null ? 50 : limit));
    return new Page<>(sorted.subList(start, end), end < sorted.size() ? encode(end) : null);
  }

  public void updateKeyDescription(RequestScope scope, String keyId, String description) {
    ShapeValidator.create().keyId("keyId", keyId, true).required("description", description)
        .length("description", description, 0, 8192).validate();
    KmsKey key = writableKey(scope, keyId);
    catalog.updateKey(key.keyId(), current -> current.withDescription(description));
  }

  private KmsKey writableKey(RequestScope scope, String keyId) {
    KmsKey key = resolver.resolveKeyOnly(scope, keyId);
    if (key.state() == KeyState.PendingDeletion) {
      throw new KmsInvalidStateException(key.arn().value() + " is pending deletion.");
    }
    return key;
  }

  private static String encode(int index) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((MARKER_PREFIX + index).getBytes(StandardCharsets.UTF_8));
  }

  private static int decode(String marker, int size) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
      if (text.startsWith(MARKER_PREFIX)) {
        int index = Integer.parseInt(text.substring(MARKER_PREFIX.length()));
        if (index > 0 && index <= size && encode(index).equals(marker)) {
          return index;
        }
      }
    } catch (IllegalArgumentException e) {
      // falls through to the one error a foreign marker gets
    }
    throw new InvalidMarkerException("Invalid marker");
  }
}
