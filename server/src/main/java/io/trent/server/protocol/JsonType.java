package io.trent.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.error.SerializationException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON types of KMS request members (the AWS JSON 1.1 protocol's serialization of the Smithy
 * shapes) and how each is read into a Java value. A value of the wrong JSON type is a
 * SerializationException, as in AWS's JSON protocol.
 *
 * <p>A string that is not well-formed Unicode (a lone surrogate, e.g. {@code "\ud800"}) is also a
 * SerializationException, wherever it appears: a member, a map key or value, a list item. The
 * Smithy {@code string} shape is a sequence of Unicode scalar values, sent as UTF-8, so such a body
 * cannot be deserialized into the request's shape; this is a body-shape error, not a value
 * constraint (ValidationException), and it is checked before any validation runs.
 */
enum JsonType {
  STRING("a string") {
    @Override
    Object read(JsonNode node, Member member, String path) {
      return text(node, path, this);
    }
  },
  INTEGER("an integer") {
    @Override
    Object read(JsonNode node, Member member, String path) {
      if (!node.isIntegralNumber() || !node.canConvertToInt()) {
        throw wrongType(path, this);
      }
      return node.intValue();
    }
  },
  BOOLEAN("a boolean") {
    @Override
    Object read(JsonNode node, Member member, String path) {
      if (!node.isBoolean()) {
        throw wrongType(path, this);
      }
      return node.booleanValue();
    }
  },
  /** Standard base64 text. */
  BLOB("a base64 string") {
    @Override
    Object read(JsonNode node, Member member, String path) {
      String text = text(node, path, this);
      try {
        return Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new SerializationException("Value of " + path + " is not valid base64 encoded data");
      }
    }
  },
  /** Epoch seconds, possibly fractional, as the AWS SDKs send them; kept to the millisecond. */
  TIMESTAMP("a timestamp in epoch seconds") {
    @Override
    Object read(JsonNode node, Member member, String path) {
      if (!node.isNumber()) {
        throw wrongType(path, this);
      }
      try {
        BigDecimal millis = node.decimalValue().movePointRight(3).setScale(0, RoundingMode.DOWN);
        return Instant.ofEpochMilli(millis.longValueExact());
      } catch (ArithmeticException e) { // beyond a long of milliseconds
        throw wrongType(path, this);
      }
    }
  },
  /** A map of string to string (EncryptionContext); keys and values are checked alike. */
  STRING_MAP("a map of strings") {
    @Override
    Object read(JsonNode node, Member member, String path) {
      if (!node.isObject()) {
        throw wrongType(path, this);
      }
      Map<String, String> map = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!WellFormedUnicode.check(e.getKey())) {
          throw notUnicode(path);
        }
        map.put(e.getKey(), text(e.getValue(), path, this));
      }
      return map;
    }
  },
  STRING_LIST("a list of strings") {
    @Override
    Object read(JsonNode node, Member member, String path) {
      if (!node.isArray()) {
        throw wrongType(path, this);
      }
      List<String> list = new ArrayList<>(node.size());
      for (JsonNode item : node) {
        list.add(text(item, path, this));
      }
      return list;
    }
  },
  /** A nested structure (Recipient), checked against its own shape. */
  STRUCTURE("an object") {
    @Override
    Object read(JsonNode node, Member member, String path) {
      if (!node.isObject()) {
        throw wrongType(path, this);
      }
      return member.shape().check((ObjectNode) node, path + ".");
    }
  },
  /** A list of nested structures (Tags). */
  STRUCTURE_LIST("a list of objects") {
    @Override
    Object read(JsonNode node, Member member, String path) {
      if (!node.isArray()) {
        throw wrongType(path, this);
      }
      List<JsonRequest> list = new ArrayList<>(node.size());
      for (JsonNode item : node) {
        if (!item.isObject()) {
          throw wrongType(path, this);
        }
        list.add(member.shape().check((ObjectNode) item, path + "."));
      }
      return list;
    }
  };

  private final String description;

  JsonType(String description) {
    this.description = description;
  }

  /** What a value of this type is, for messages: "a string", "an integer", ... */
  String description() {
    return description;
  }

  /**
   * Reads a non-null JSON value of this type.
   *
   * @param path the member's name in messages (nested members as {@code Tags.TagKey})
   * @throws SerializationException when the value is not of this type or not well-formed Unicode
   */
  abstract Object read(JsonNode node, Member member, String path);

  private static String text(JsonNode node, String path, JsonType expected) {
    if (!node.isTextual()) {
      throw wrongType(path, expected);
    }
    String text = node.textValue();
    if (!WellFormedUnicode.check(text)) {
      throw notUnicode(path);
    }
    return text;
  }

  private static SerializationException wrongType(String path, JsonType expected) {
    return new SerializationException("Value of " + path + " must be " + expected.description);
  }

  private static SerializationException notUnicode(String path) {
    return new SerializationException("Value of " + path + " is not valid Unicode: it has an unpaired surrogate");
  }
}
