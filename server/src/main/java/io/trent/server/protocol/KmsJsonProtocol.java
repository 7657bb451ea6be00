package io.trent.server.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.KmsServices;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.error.SerializationException;
import io.trent.core.error.UnknownOperationException;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The AWS JSON 1.1 protocol for KMS: maps an operation name and a JSON request body to a core
 * operation and its response body. With the HTTP transport, the only place that knows JSON.
 */
public final class KmsJsonProtocol {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final Map<String, OperationHandler> operations;

  public KmsJsonProtocol(KmsServices services) {
    Map<String, OperationHandler> registry = new HashMap<>();
    DataKeyOperations.register(registry, services.dataKeys());
    CryptoOperations.register(registry, services.crypto());
    KeyOperations.register(registry, services.keys(), services.identity());
    AliasOperations.register(registry, services.aliases(), services.identity());
    TagOperations.register(registry, services.tags());
    SigningOperations.register(registry, services.signing(), services.macs());
    RotationOperations.register(registry, services.rotation(), services.imports());
    this.operations = Map.copyOf(registry);
  }

  /**
   * Runs one operation.
   *
   * @param operation the part of X-Amz-Target after "TrentService."
   * @param body the request body (may be empty)
   * @return the JSON response body (HTTP 200)
   * @throws KmsException for every error, to be rendered with {@link #errorBody(KmsException)}
   */
  public byte[] handle(String operation, byte[] body) {
    OperationHandler handler = operations.get(operation);
    if (handler == null) {
      throw new UnknownOperationException();
    }
    JsonResponse response = handler.handle(new JsonRequest(parse(body)));
    try {
      return MAPPER.writeValueAsBytes(response.node());
    } catch (JsonProcessingException e) {
      throw new KmsInternalException("response serialization failed", e);
    } finally {
      for (byte[] secret : response.secrets()) {
        Arrays.fill(secret, (byte) 0);
      }
    }
  }

  /** The AWS error body: {"__type": ..., "message": ...}, without message where AWS sends none. */
  public static byte[] errorBody(KmsException e) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("__type", e.errorType());
    if (e.awsMessage() != null) {
      node.put("message", e.awsMessage());
    }
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static ObjectNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return MAPPER.createObjectNode();
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new SerializationException("Request body is not valid JSON");
    }
    if (node == null || node.isMissingNode()) {
      return MAPPER.createObjectNode();
    }
    if (!node.isObject()) {
      throw new SerializationException("Request body must be a JSON object");
    }
    return (ObjectNode) node;
  }
}
