package io.trent.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.audit.RequestTrace;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KmsKey;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the protocol learned of one call for its audit event, filled as the call gets further: whether the
 * operation exists, its {@code requestParameters} (only the members {@link KmsModel} marks as audited), the
 * request's {@link RequestTrace} (keys and authorization), and from a response its {@code responseElements}
 * (management operations only) and the key material ids it names. Never holds a secret: plaintext, ciphertext
 * and key material are not copied into it.
 */
public final class CallRecord {
  private static final String[] MATERIAL_MEMBERS = {"KeyMaterialId", "SourceKeyMaterialId", "DestinationKeyMaterialId"};

  private String operation;
  private ObjectNode requestParameters;
  private RequestTrace trace;
  private ObjectNode responseElements;
  private final Map<String, String> keyMaterials = new LinkedHashMap<>(2);

  void operation(String name) {
    this.operation = name;
  }

  /** The record of a request for {@code operation} that was refused before it ran: no parameters, no keys. */
  public static CallRecord notRun(String operation) {
    CallRecord call = new CallRecord();
    call.operation(operation);
    return call;
  }

  void request(JsonRequest request) {
    this.requestParameters = request.auditParameters();
  }

  void trace(RequestTrace requestTrace) {
    this.trace = requestTrace;
  }

  void response(JsonResponse response) {
    ObjectNode node = response.node();
    for (String member : MATERIAL_MEMBERS) {
      JsonNode id = node.get(member);
      if (id != null && id.isTextual()) {
        keyMaterials.put(Member.camelCase(member), id.asText());
      }
    }
    if (!KmsModel.readOnly(operation) && !node.isEmpty()) {
      responseElements = camelCase(node);
    }
  }

  /** Whether the call named an operation Trent serves (an unknown one has no event). */
  public boolean known() {
    return operation != null;
  }

  public String operation() {
    return operation;
  }

  /** CloudTrail's {@code readOnly} for the operation. */
  public boolean readOnly() {
    return KmsModel.readOnly(operation);
  }

  /** The request members the trail may log, camelCase; null before the body was read or when it set none. */
  public ObjectNode requestParameters() {
    return requestParameters;
  }

  /** The response of a management operation, camelCase; null for read and cryptographic operations and failures. */
  public ObjectNode responseElements() {
    return responseElements;
  }

  /** The keys the request resolved, in order (empty before resolution or for account-level operations). */
  public List<KmsKey> keys() {
    return trace == null ? List.of() : trace.keys();
  }

  /** The authorization decisions made, in order. */
  public List<io.trent.core.audit.AccessDecision> decisions() {
    return trace == null ? List.of() : trace.decisions();
  }

  /**
   * The key material ids the call used, by CloudTrail-style name ({@code keyMaterialId}, or ReEncrypt's source
   * and destination): as the response named them; for a cryptographic operation without such a response (it
   * failed, or names none) that encrypts, signs or MACs, the key's current material, which it uses. Decrypt's
   * material is the ciphertext's, known only from its response.
   */
  public Map<String, String> keyMaterials() {
    if (!keyMaterials.isEmpty() || operation == null || !KmsModel.cryptographic(operation)
        || "Decrypt".equals(operation) || "ReEncrypt".equals(operation) || keys().isEmpty()) {
      return Map.copyOf(keyMaterials);
    }
    return keys().get(0).currentMaterial().map(KeyMaterial::id)
        .map(id -> Map.of("keyMaterialId", id.toHex())).orElse(Map.of());
  }

  private static ObjectNode camelCase(ObjectNode node) {
    ObjectNode copy = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      copy.set(Member.camelCase(field.getKey()), value.isObject() ? camelCase((ObjectNode) value) : value.deepCopy());
    }
    return copy;
  }
}
