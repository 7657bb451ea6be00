package io.trent.server.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a response body. Blobs are standard base64 and timestamps epoch seconds with millisecond
 * fraction, as in AWS's JSON protocol. Sensitive byte arrays handed to {@link #secret} are zeroed
 * once the body has been serialized.
 */
final class JsonResponse {
  private final ObjectNode node = JsonNodeFactory.instance.objectNode();
  private final List<byte[]> secrets = new ArrayList<>(1);

  static JsonResponse create() {
    return new JsonResponse();
  }

  JsonResponse put(String name, String value) {
    if (value != null) {
      node.put(name, value);
    }
    return this;
  }

  JsonResponse put(String name, boolean value) {
    node.put(name, value);
    return this;
  }

  JsonResponse put(String name, int value) {
    node.put(name, value);
    return this;
  }

  JsonResponse blob(String name, byte[] value) {
    if (value != null) {
      node.put(name, value);
    }
    return this;
  }

  /** A sensitive blob (plaintext, private key): zeroed after serialization. */
  JsonResponse secret(String name, byte[] value) {
    if (value != null) {
      node.put(name, value);
      secrets.add(value);
    }
    return this;
  }

  JsonResponse time(String name, Instant value) {
    if (value != null) {
      node.put(name, epochSeconds(value));
    }
    return this;
  }

  JsonResponse strings(String name, List<String> values) {
    ArrayNode array = node.putArray(name);
    values.forEach(array::add);
    return this;
  }

  JsonResponse object(String name, ObjectNode value) {
    node.set(name, value);
    return this;
  }

  JsonResponse array(String name, ArrayNode value) {
    node.set(name, value);
    return this;
  }

  ObjectNode node() {
    return node;
  }

  List<byte[]> secrets() {
    return secrets;
  }

  static BigDecimal epochSeconds(Instant instant) {
    return BigDecimal.valueOf(instant.toEpochMilli(), 3);
  }
}
