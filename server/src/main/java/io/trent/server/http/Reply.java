package io.trent.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.trent.core.error.KmsException;
import io.trent.server.metrics.ServerMetrics;
import io.trent.server.protocol.KmsJsonProtocol;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An HTTP response before it becomes Netty's: built on a worker thread as plain bytes, turned into
 * a buffer on the event loop, so no buffer changes threads. The body of an error or health reply
 * is never modified, so one such reply may be sent many times; an operation's reply is zeroed once
 * written ({@code wipeAfterWrite}), so it is sent once.
 *
 * @param status the HTTP status
 * @param contentType the Content-Type header
 * @param body the body, JSON
 * @param closeConnection whether the connection must close after this response
 * @param wipeAfterWrite whether the body may hold plaintext and is zeroed once written (so it is sent once)
 * @param type the error's {@code __type}, or null for a success (for metrics, without parsing the body)
 */
record Reply(HttpResponseStatus status, String contentType, byte[] body, boolean closeConnection,
    boolean wipeAfterWrite, String type) {
  static final String AMZ_JSON = "application/x-amz-json-1.1";
  static final String JSON = "application/json";
  static final String REQUEST_ID_HEADER = "x-amzn-RequestId";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A successful KMS operation; operations without output may answer null or nothing. */
  static Reply kms(byte[] body) {
    return new Reply(HttpResponseStatus.OK, AMZ_JSON, body == null ? new byte[0] : body, false, true, null);
  }

  /** A KMS error, with the status and body AWS uses for it. */
  static Reply error(KmsException e) {
    return new Reply(HttpResponseStatus.valueOf(e.httpStatus()), AMZ_JSON, KmsJsonProtocol.errorBody(e), false, false,
        e.errorType());
  }

  /**
   * An error the HTTP edge answers before any operation runs, in the AWS error shape:
   * {@code {"__type": type, "message": message}}, without message when it is null.
   */
  static Reply edgeError(HttpResponseStatus status, String type, String message, boolean close) {
    ObjectNode body = MAPPER.createObjectNode().put("__type", type);
    if (message != null) {
      body.put("message", message);
    }
    return new Reply(status, AMZ_JSON, bytes(body), close, false, type);
  }

  /**
   * {@code GET /health}: only whether this instance can serve, since anyone who can reach the port
   * may ask; what is wrong goes to the log.
   */
  static Reply health(boolean up) {
    return up
        ? new Reply(HttpResponseStatus.OK, JSON, bytes(MAPPER.createObjectNode().put("status", "ok")), false, false,
            null)
        : new Reply(HttpResponseStatus.SERVICE_UNAVAILABLE, JSON,
            bytes(MAPPER.createObjectNode().put("status", "unavailable")), false, false, null);
  }

  /** {@code GET /metrics}: the Prometheus text format, which holds no secrets (see docs/operations.md). */
  static Reply metrics(String text) {
    return new Reply(HttpResponseStatus.OK, ServerMetrics.CONTENT_TYPE, text.getBytes(StandardCharsets.UTF_8), false,
        false, null);
  }

  /**
   * A request for no operation (a method other than POST, a path other than /, a body that is not
   * JSON by its Content-Type). AWS's JSON front ends answer these with HTTP 404 and the type
   * UnknownOperationException, no message; Trent says it in JSON rather than AWS's XML
   * {@code <UnknownOperationException/>} (seen from emulators of Coral services, e.g. dynalite, and
   * in the AWS SDK for JavaScript's tests of that body).
   */
  static Reply noOperation() {
    return edgeError(HttpResponseStatus.NOT_FOUND, "UnknownOperationException", null, false);
  }

  /**
   * A request the HTTP decoder could not parse; the connection cannot be trusted after it. AWS's
   * answer is unknown (its load balancers answer such bytes themselves); SerializationException is
   * the closest KMS type: the request could not be read.
   */
  static Reply badRequest() {
    return edgeError(HttpResponseStatus.BAD_REQUEST, "SerializationException", "Malformed HTTP request", true);
  }

  static Reply tooLarge(int maxRequestBytes) {
    return edgeError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "RequestEntityTooLargeException",
        "Request body exceeds the limit of " + maxRequestBytes + " bytes", true);
  }

  /** The {@code __type} of an error reply's body, or null (for the audit trail of refusals). */
  String errorType() {
    return errorField("__type");
  }

  /** The {@code message} of an error reply's body, or null. */
  String errorMessage() {
    return errorField("message");
  }

  private String errorField(String name) {
    try {
      com.fasterxml.jackson.databind.JsonNode value = MAPPER.readTree(body).get(name);
      return value == null || !value.isTextual() ? null : value.asText();
    } catch (java.io.IOException | RuntimeException notJson) {
      return null;
    }
  }

  /** The Netty response, with the headers every response carries. */
  FullHttpResponse toResponse(String requestId, HttpVersion version, boolean keepAlive) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(body));
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    headers.set(REQUEST_ID_HEADER, requestId);
    HttpUtil.setKeepAlive(response, keepAlive && !closeConnection);
    return response;
  }

  /**
   * A request id in the form AWS uses: a version-4 UUID. It names a request in logs and is no
   * secret, so it comes from the thread's fast generator rather than from SecureRandom, whose
   * shared lock every request would otherwise take.
   */
  static String newRequestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
    return new UUID(high, low).toString();
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot render a JSON tree", e);
    }
  }
}
