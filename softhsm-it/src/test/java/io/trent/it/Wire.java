package io.trent.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;

/** Raw-wire reads of the members SDK 2.29.52 does not model (KeyMaterialId, CurrentKeyMaterialId). */
final class Wire {
  private Wire() {}

  static JsonNode ok(String operation, Map<String, ?> body) {
    RawKms.Response r = RawKms.call(operation, body);
    if (r.status() != 200) {
      throw new AssertionError(operation + " failed: " + r);
    }
    return r.json();
  }

  /** DescribeKey's KeyMetadata as sent. */
  static JsonNode metadata(String keyId) {
    return ok("DescribeKey", Map.of("KeyId", keyId)).path("KeyMetadata");
  }

  /** CurrentKeyMaterialId, or null when absent. */
  static String currentMaterial(String keyId) {
    JsonNode m = metadata(keyId).get("CurrentKeyMaterialId");
    return m == null ? null : m.asText();
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static String b64(SdkBytes b) {
    return b64(b.asByteArray());
  }

  /** The KeyMaterialId Decrypt reports for a blob. */
  static String decryptMaterial(SdkBytes blob) {
    return ok("Decrypt", Map.of("CiphertextBlob", b64(blob))).path("KeyMaterialId").asText();
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
