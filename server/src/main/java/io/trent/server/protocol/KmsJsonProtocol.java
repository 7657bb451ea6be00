package io.trent.server.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.KmsServices;
import io.trent.core.auth.Caller;
import io.trent.core.auth.RequestScope;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInternalException;
import io.trent.core.error.SerializationException;
import io.trent.core.error.UnknownOperationException;
import io.trent.server.quota.RequestQuotas;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The AWS JSON 1.1 protocol for KMS: maps an operation name and a JSON request body to a core
 * operation and its response body. With the HTTP transport, the only place that knows JSON.
 *
 * <p>A body is parsed with duplicate detection (a member or map key given twice is a
 * SerializationException, never "last one wins"), checked against the operation's
 * {@link KmsModel} shape, and only then bound to the core request. See docs/json-protocol.md.
 */
public final class KmsJsonProtocol {
  // Duplicates and anything after the object are refused, never silently dropped.
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private final Map<String, Operation> operations;
  private final Caller accountRoot;
  private final RequestQuotas quotas;

  /** An operation's request shape, how it is authorized and its binding to the core service. */
  private record Operation(Shape shape, OperationAuth auth, OperationHandler handler) {}

  public KmsJsonProtocol(KmsServices services) {
    this(services, null);
  }

  /**
   * @param quotas the request quotas charged once a request's shape is checked (see {@link RequestQuotas}), or
   *     null for none
   */
  public KmsJsonProtocol(KmsServices services, RequestQuotas quotas) {
    this.quotas = quotas;
    Map<String, OperationHandler> registry = new HashMap<>();
    DataKeyOperations.register(registry, services.dataKeys());
    CryptoOperations.register(registry, services.crypto());
    KeyOperations.register(registry, services.keys());
    AliasOperations.register(registry, services.aliases());
    TagOperations.register(registry, services.tags());
    SigningOperations.register(registry, services.signing(), services.macs());
    RotationOperations.register(registry, services.rotation(), services.imports());
    KeyPolicyOperations.register(registry, services.keyPolicies());
    GrantOperations.register(registry, services.grants(), services.identity());
    this.operations = pair(KmsModel.operations(), registry);
    // Dev mode has no signatures: its requests are the account root's, through the same authorization.
    this.accountRoot = services.identity().rootCaller();
  }

  // Every served operation has a shape and every shape a binding: a gap is a programming error.
  private static Map<String, Operation> pair(Map<String, Shape> shapes, Map<String, OperationHandler> handlers) {
    if (!shapes.keySet().equals(handlers.keySet()) || !shapes.keySet().equals(KmsModel.authorizations().keySet())) {
      throw new IllegalStateException("KmsModel and the operation bindings disagree: " + shapes.keySet() + " vs "
          + handlers.keySet());
    }
    Map<String, Operation> paired = new HashMap<>();
    handlers.forEach((name, handler) -> {
      OperationAuth auth = KmsModel.authorizations().get(name);
      Shape shape = shapes.get(name);
      List<String> named = new ArrayList<>(auth.requestKeys().values());
      named.addAll(auth.multiValuedKeys().values());
      named.addAll(auth.memberNameKeys().values());
      named.add(auth.keyMember());
      named.add(auth.contextMember());
      for (String member : named) {
        if (member != null && shape.indexOf(member) < 0) {
          throw new IllegalStateException("The authorization of " + name + " names " + member + ", not in its shape");
        }
      }
      paired.put(name, new Operation(shape, auth, handler));
    });
    return Map.copyOf(paired);
  }

  /**
   * Runs one operation.
   *
   * @param operation the part of X-Amz-Target after "TrentService."
   * @param body the request body (may be empty)
   * @param caller who signed the request, or null in dev mode (then the account root)
   * @param sourceIp the client's address ({@code aws:SourceIp}), or null
   * @return the JSON response body (HTTP 200)
   * @throws KmsException for every error, to be rendered with {@link #errorBody(KmsException)}
   */
  public byte[] handle(String operation, byte[] body, Caller caller, String sourceIp) {
    return handle(operation, body, caller, sourceIp, new CallRecord());
  }

  /**
   * As {@link #handle(String, byte[], Caller, String)}, noting in {@code record} what the audit event needs as
   * the call gets further (it stays filled when the call throws).
   */
  public byte[] handle(String operation, byte[] body, Caller caller, String sourceIp, CallRecord record) {
    Operation op = operations.get(operation);
    if (op == null) {
      throw new UnknownOperationException();
    }
    record.operation(operation);
    JsonRequest request = op.shape().check(parse(body), null);
    record.request(request);
    RequestScope scope = scope(op.auth(), request, caller, sourceIp);
    record.trace(scope.trace());
    if (quotas != null) {
      quotas.admit(operation, scope);
    }
    JsonResponse response = op.handler().handle(scope, request);
    record.response(response);
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

  /** The request scope the table describes: the action and the condition keys the request's members set. */
  @SuppressWarnings("unchecked")
  private RequestScope scope(OperationAuth auth, JsonRequest request, Caller caller, String sourceIp) {
    Map<String, String> keys = new HashMap<>(auth.defaults());
    auth.requestKeys().forEach((conditionKey, member) -> {
      Object value = request.peek(member);
      if (value != null) {
        keys.put(conditionKey, String.valueOf(value));
      }
    });
    if (sourceIp != null) {
      keys.put("aws:SourceIp", sourceIp);
    }
    Map<String, List<String>> multi = new HashMap<>();
    auth.multiValuedKeys().forEach((conditionKey, member) -> {
      Object value = request.peek(member);
      if (value != null) {
        multi.put(conditionKey, (List<String>) value);
      }
    });
    auth.memberNameKeys().forEach((conditionKey, member) -> {
      Object value = request.peek(member);
      if (value != null) {
        List<String> names = ((JsonRequest) value).presentMembers();
        // kms:GrantConstraintType is single-valued [D kdg:conditions-kms.md]; with both kinds given, the first.
        if (!names.isEmpty()) {
          keys.put(conditionKey, names.get(0));
        }
      }
    });
    Map<String, String> context = auth.contextMember() == null ? null
        : (Map<String, String>) request.peek(auth.contextMember());
    // Grant tokens make their grants count at once, for every operation that takes them.
    List<String> grantTokens = (List<String>) request.peek("GrantTokens");
    return new RequestScope(caller == null ? accountRoot : caller, auth.action(), context, keys, multi,
        grantTokens);
  }

  /** Whether Trent serves the operation (the X-Amz-Target suffix). */
  public boolean serves(String operation) {
    return operations.containsKey(operation);
  }

  /** Whether the operation is in the AWS KMS model (a bounded set of names, e.g. for metric tags). */
  public static boolean modelled(String operation) {
    return KmsModel.operations().containsKey(operation);
  }

  /** Whether the operation only reads (CloudTrail's {@code readOnly}). */
  public static boolean readOnly(String operation) {
    return KmsModel.readOnly(operation);
  }

  /** The binding of an operation (for the test that every bound member is read). */
  OperationHandler handler(String operation) {
    return operations.get(operation).handler();
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
    } catch (StreamReadException e) {
      throw duplicate(e) ? duplicateMember(e) : new SerializationException("Request body is not valid JSON");
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

  // Jackson reports STRICT_DUPLICATE_DETECTION as a parse error whose message starts so (2.x);
  // RefusedInputTest.duplicateMembersAndMapKeysAreRefused pins it.
  private static boolean duplicate(StreamReadException e) {
    String message = e.getOriginalMessage();
    return message != null && message.startsWith("Duplicate field ");
  }

  private static SerializationException duplicateMember(StreamReadException e) {
    String name = null;
    JsonParser parser = e.getProcessor();
    if (parser != null) {
      try {
        name = parser.currentName();
      } catch (IOException | RuntimeException unknown) {
        name = null;
      }
    }
    return new SerializationException(
        "Request body has a duplicate member or map key: " + WellFormedUnicode.forMessage(name));
  }
}
