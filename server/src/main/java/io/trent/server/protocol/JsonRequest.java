package io.trent.server.protocol;

import io.trent.core.api.TagInput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A request body that passed its {@link Shape}'s check: every member is known, of its JSON type
 * and well-formed Unicode, already converted to its Java value. An operation's binding reads the
 * members into the core request; an absent member reads as null (false for booleans), so the
 * operation's own validation reports it with AWS's "must not be null" message.
 *
 * <p>Reading a member that is not a {@link Member.Use#BOUND} member of the shape, or with another
 * type, is a programming error (IllegalStateException); the protocol tests bind every operation
 * with every member present and check, with {@link #unreadMembers()}, that none is left unread.
 */
final class JsonRequest {
  private final Shape shape;
  private final Object[] values;
  private long read;

  JsonRequest(Shape shape, Object[] values) {
    this.shape = shape;
    this.values = values;
  }

  private Object value(String name, JsonType type) {
    int i = shape.indexOf(name);
    if (i < 0 || shape.members().get(i).type() != type || shape.members().get(i).use() != Member.Use.BOUND) {
      throw new IllegalStateException(name + " is not a bound " + type + " member of " + shape.name());
    }
    read |= 1L << i;
    return values[i];
  }

  /** A member's value for authorization (condition keys), without counting it as bound; null if absent. */
  Object peek(String name) {
    int i = shape.indexOf(name);
    return i < 0 ? null : values[i];
  }

  String string(String name) {
    return (String) value(name, JsonType.STRING);
  }

  Integer integer(String name) {
    return (Integer) value(name, JsonType.INTEGER);
  }

  boolean bool(String name) {
    return Boolean.TRUE.equals(value(name, JsonType.BOOLEAN));
  }

  Instant timestamp(String name) {
    return (Instant) value(name, JsonType.TIMESTAMP);
  }

  byte[] blob(String name) {
    return (byte[]) value(name, JsonType.BLOB);
  }

  @SuppressWarnings("unchecked")
  Map<String, String> stringMap(String name) {
    return (Map<String, String>) value(name, JsonType.STRING_MAP);
  }

  @SuppressWarnings("unchecked")
  List<String> stringList(String name) {
    return (List<String>) value(name, JsonType.STRING_LIST);
  }

  /** A nested structure, or null when absent. */
  JsonRequest structure(String name) {
    return (JsonRequest) value(name, JsonType.STRUCTURE);
  }

  /** The names of the members this request carries, in shape order. */
  List<String> presentMembers() {
    List<String> present = new ArrayList<>(values.length);
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        present.add(shape.members().get(i).name());
      }
    }
    return present;
  }

  /** A list of {@code Tag} structures as core tag inputs. */
  @SuppressWarnings("unchecked")
  List<TagInput> tags(String name) {
    List<JsonRequest> items = (List<JsonRequest>) value(name, JsonType.STRUCTURE_LIST);
    if (items == null) {
      return null;
    }
    List<TagInput> tags = new ArrayList<>(items.size());
    for (JsonRequest tag : items) {
      tags.add(new TagInput(tag.string("TagKey"), tag.string("TagValue")));
    }
    return tags;
  }

  /** The bound members this request carries that the binding has not read: empty when all were. */
  List<String> unreadMembers() {
    List<String> unread = new ArrayList<>(0);
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null && (read & (1L << i)) == 0 && shape.members().get(i).use() == Member.Use.BOUND) {
        unread.add(shape.members().get(i).name());
      }
    }
    return unread;
  }
}
