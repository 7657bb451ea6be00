package io.trent.server.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.trent.core.key.Arn;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.audit.AccessDecision;
import io.trent.core.auth.Caller;
import io.trent.core.error.AccessDeniedException;
import io.trent.core.error.KmsException;
import io.trent.core.key.KmsKey;
import io.trent.server.http.RequestInfo;
import io.trent.server.http.ServerFaultReply;
import io.trent.server.protocol.CallRecord;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The audit event of one request, in CloudTrail's KMS shape ({@code eventType AwsApiCall}) plus a {@code trent}
 * object: the HSM token, the key material used, the authorization decisions and the latency. Its fields come
 * from the transport ({@link RequestInfo}), the verified caller and the protocol's {@link CallRecord}, which holds
 * no secret; see docs/audit.md#event-format.
 */
final class ApiCallEvent {
  private ApiCallEvent() {}

  /**
   * The event of a request that ran (to a result or an error).
   *
   * @param caller the verified caller; null or {@link Caller#unsigned()} in dev mode (the anonymous identity)
   * @param error the error the caller gets, or null on success
   */
  static ObjectNode of(TrailContext context, RequestInfo request, Caller caller, CallRecord call, KmsException error) {
    ObjectNode event = context.begin(caller == null || caller.unsigned() ? UserIdentity.anonymous() : UserIdentity.of(caller),
        request.operation());
    client(event, request);
    error(event, error);
    event.set("requestParameters", orNull(call.requestParameters()));
    // CloudTrail logs no response for cryptographic and read operations; CallRecord keeps only management ones.
    event.set("responseElements", orNull(call.responseElements()));
    Map<String, String> materials = call.keyMaterials();
    if (!materials.isEmpty() && call.readOnly()) {
      ObjectNode additional = event.putObject("additionalEventData");
      materials.forEach(additional::put);
    }
    List<Arn> keyIds = call.keys().stream().map(KmsKey::arn).toList();
    end(event, context, request, call.readOnly(), keyIds);
    ObjectNode trent = context.trent();
    materials.forEach(trent::put);
    ArrayNode authorization = trent.putArray("authorization");
    for (AccessDecision d : call.decisions()) {
      ObjectNode node = authorization.addObject().put("decision", d.allowed() ? "allowed" : "denied")
          .put("reason", d.reason());
      putIfSet(node, "policyName", d.policyName());
      putIfSet(node, "statementSid", d.statementSid());
      if (d.statementIndex() >= 0) {
        node.put("statementIndex", d.statementIndex());
      }
      putIfSet(node, "grantId", d.grantId());
    }
    latency(trent, request);
    event.set("trent", trent);
    return event;
  }

  /**
   * The event of a request the HTTP edge refused because its authentication failed: nothing ran, so no
   * parameters, resources or decisions; the identity is the one it claimed.
   */
  static ObjectNode refused(TrailContext context, RequestInfo request, String claimedAccessKeyId, String errorCode,
      String errorMessage) {
    ObjectNode event = context.begin(UserIdentity.unauthenticated(claimedAccessKeyId), request.operation());
    client(event, request);
    event.put("errorCode", errorCode);
    event.put("errorMessage", errorMessage);
    event.putNull("requestParameters");
    event.putNull("responseElements");
    end(event, context, request, io.trent.server.protocol.KmsJsonProtocol.readOnly(request.operation()), List.of());
    ObjectNode trent = context.trent();
    latency(trent, request);
    event.set("trent", trent);
    return event;
  }

  private static void client(ObjectNode event, RequestInfo request) {
    event.put("sourceIPAddress", request.sourceIp());
    event.put("userAgent", request.userAgent());
  }

  /**
   * CloudTrail's errorCode is the error type, except that access denials are {@code AccessDenied}
   * [R aws-samples/baseline-environment-on-aws#51, reference §4.1]; a server fault's message is the generic text
   * the caller got, never the internal detail (which is in the log under the request id).
   */
  private static void error(ObjectNode event, KmsException error) {
    if (error == null) {
      return;
    }
    event.put("errorCode", error instanceof AccessDeniedException ? "AccessDenied" : error.errorType());
    event.put("errorMessage", error.httpStatus() >= 500 ? ServerFaultReply.callerMessage(error) : error.awsMessage());
  }

  private static void end(ObjectNode event, TrailContext context, RequestInfo request, boolean readOnly,
      List<Arn> keyIds) {
    event.put("requestID", request.requestId());
    event.put("eventID", TrailContext.newEventId());
    event.put("readOnly", readOnly);
    event.set("resources", context.resources(keyIds));
    event.put("eventType", "AwsApiCall");
    event.put("managementEvent", true);
    event.put("recipientAccountId", context.identity().accountId());
    event.put("eventCategory", "Management");
  }

  private static void latency(ObjectNode trent, RequestInfo request) {
    long nanos = System.nanoTime() - request.startNanos();
    trent.put("latencyMillis", BigDecimal.valueOf(nanos / 1000, 3));
  }

  private static com.fasterxml.jackson.databind.JsonNode orNull(ObjectNode node) {
    return node == null ? NullNode.getInstance() : node;
  }

  private static void putIfSet(ObjectNode node, String name, String value) {
    if (value != null) {
      node.put(name, value);
    }
  }
}
