package io.trent.server.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

  /**
   * The members the audit trail may log, under their {@link Member#auditName()}s, as CloudTrail's
   * {@code requestParameters}; members without an audit name (blobs, grant tokens) are left out whatever
   * they hold. Null when the request carries none, as CloudTrail logs it.
   */
  ObjectNode auditParameters() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < values.length; i++) {
      Member m = shape.members().get(i);
      if (values[i] != null && m.auditName() != null) {
        node.set(m.auditName(), auditValue(values[i]));
      } else if (m.auditDefault() != null && m.auditName() != null) {
        node.put(m.auditName(), m.auditDefault());
      }
    }
    return node.isEmpty() ? null : node;
  }

  @SuppressWarnings("unchecked")
  private static com.fasterxml.jackson.databind.JsonNode auditValue(Object value) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    if (value instanceof JsonRequest nested) {
      ObjectNode node = nested.auditParameters();
      return node == null ? json.objectNode() : node;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode node = json.objectNode();
      ((Map<String, String>) map).forEach(node::put);
      return node;
    }
    if (value instanceof List<?> list) {
      ArrayNode array = json.arrayNode();
      list.forEach(item -> array.add(auditValue(item)));
      return array;
    }
    if (value instanceof Integer n) {
      return json.numberNode(n);
    }
    if (value instanceof Boolean b) {
      return json.booleanNode(b);
    }
    // Strings as they came; timestamps in ISO 8601, as CloudTrail writes times.
    return json.textNode(value.toString());
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
