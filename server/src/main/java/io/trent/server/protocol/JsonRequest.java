package io.trent.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.api.TagInput;
import io.trent.core.error.SerializationException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request body with typed member access. A member of the wrong JSON type is a
 * SerializationException, as in AWS's JSON protocol; an absent or null member reads as null, so
 * the operation's own validation reports it with AWS's "must not be null" message.
 */
final class JsonRequest {
  private final ObjectNode body;

  JsonRequest(ObjectNode body) {
    this.body = body;
  }

  private JsonNode member(String name) {
    JsonNode n = body.get(name);
    return n == null || n.isNull() ? null : n;
  }

  String string(String name) {
    JsonNode n = member(name);
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      throw wrongType(name, "a string");
    }
    return n.textValue();
  }

  Integer integer(String name) {
    JsonNode n = member(name);
    if (n == null) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw wrongType(name, "an integer");
    }
    return n.intValue();
  }

  boolean bool(String name) {
    JsonNode n = member(name);
    if (n == null) {
      return false;
    }
    if (!n.isBoolean()) {
      throw wrongType(name, "a boolean");
    }
    return n.booleanValue();
  }

  /** A timestamp member: epoch seconds, possibly fractional, as the AWS SDKs send them. */
  java.time.Instant timestamp(String name) {
    JsonNode n = member(name);
    if (n == null) {
      return null;
    }
    if (!n.isNumber()) {
      throw wrongType(name, "a timestamp in epoch seconds");
    }
    java.math.BigDecimal seconds = n.decimalValue();
    return java.time.Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
  }

  /** A blob member: standard base64 text. */
  byte[] blob(String name) {
    String text = string(name);
    if (text == null) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new SerializationException("Value of " + name + " is not valid base64 encoded data");
    }
  }

  Map<String, String> stringMap(String name) {
    JsonNode n = member(name);
    if (n == null) {
      return null;
    }
    if (!n.isObject()) {
      throw wrongType(name, "a map of strings");
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw wrongType(name, "a map of strings");
      }
      map.put(e.getKey(), e.getValue().textValue());
    }
    return map;
  }

  List<String> stringList(String name) {
    JsonNode n = member(name);
    if (n == null) {
      return null;
    }
    if (!n.isArray()) {
      throw wrongType(name, "a list of strings");
    }
    List<String> list = new ArrayList<>(n.size());
    for (JsonNode item : n) {
      if (!item.isTextual()) {
        throw wrongType(name, "a list of strings");
      }
      list.add(item.textValue());
    }
    return list;
  }

  List<TagInput> tags(String name) {
    JsonNode n = member(name);
    if (n == null) {
      return null;
    }
    if (!n.isArray()) {
      throw wrongType(name, "a list of tags");
    }
    List<TagInput> tags = new ArrayList<>(n.size());
    for (JsonNode item : n) {
      if (!item.isObject()) {
        throw wrongType(name, "a list of tags");
      }
      JsonRequest tag = new JsonRequest((ObjectNode) item);
      tags.add(new TagInput(tag.string("TagKey"), tag.string("TagValue")));
    }
    return tags;
  }

  private static SerializationException wrongType(String member, String expected) {
    return new SerializationException("Value of " + member + " must be " + expected);
  }
}
