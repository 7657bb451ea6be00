package io.trent.server.audit;

import io.trent.audit.AuditSink;
import io.trent.audit.AuditUnavailableException;
import io.trent.core.auth.Caller;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInternalException;
import io.trent.server.http.KmsRequestDispatcher;
import io.trent.server.http.RequestInfo;
import io.trent.server.protocol.CallRecord;
import io.trent.server.protocol.KmsJsonProtocol;
import java.util.Arrays;

/**
 * Runs each request through the JSON protocol and records exactly one audit event for it before its response
 * leaves, failing closed: a trail that cannot take an event refuses the request before any work
 * ({@link AuditSink#checkWritable()}), and a result whose event could not be appended is not returned. Both are
 * KMSInternalException (HTTP 500, AWS's generic text, which SDKs retry).
 *
 * <p>A request for an operation Trent does not serve has no event (there is nothing to name); a request the HTTP
 * edge refused for its authentication is recorded through {@link #refused}.
 */
public final class AuditingDispatcher implements KmsRequestDispatcher {
  private final KmsJsonProtocol protocol;
  private final AuditSink sink;
  private final TrailContext context;

  public AuditingDispatcher(KmsJsonProtocol protocol, AuditSink sink, TrailContext context) {
    this.protocol = protocol;
    this.sink = sink;
    this.context = context;
  }

  @Override
  public byte[] dispatch(String operation, byte[] body, Caller caller, String sourceIp) {
    return dispatch(new RequestInfo(null, operation, sourceIp, null, System.nanoTime()), body, caller);
  }

  @Override
  public byte[] dispatch(RequestInfo request, byte[] body, Caller caller) {
    if (!protocol.serves(request.operation())) {
      return protocol.handle(request.operation(), body, caller, request.sourceIp()); // UnknownOperationException
    }
    try {
      sink.checkWritable();
    } catch (AuditUnavailableException e) {
      throw unavailable(e);
    }
    CallRecord call = new CallRecord();
    byte[] response;
    try {
      response = protocol.handle(request.operation(), body, caller, request.sourceIp(), call);
    } catch (KmsException e) {
      append(ApiCallEvent.of(context, request, caller, call, e));
      throw e;
    } catch (RuntimeException | Error e) {
      // A bug: the caller gets a bare KMSInternalException, and so does the record.
      append(ApiCallEvent.of(context, request, caller, call, new KmsInternalException("unexpected failure", e)));
      throw e;
    }
    try {
      append(ApiCallEvent.of(context, request, caller, call, null));
    } catch (RuntimeException e) {
      Arrays.fill(response, (byte) 0); // may hold plaintext: never returned unaudited
      throw e;
    }
    return response;
  }

  @Override
  public boolean audits() {
    return true;
  }

  @Override
  public void refused(RequestInfo request, String claimedAccessKeyId, String errorCode, String errorMessage) {
    if (protocol.serves(request.operation())) {
      append(ApiCallEvent.refused(context, request, claimedAccessKeyId, errorCode, errorMessage));
    }
  }

  private void append(com.fasterxml.jackson.databind.node.ObjectNode event) {
    try {
      sink.append(event);
    } catch (AuditUnavailableException e) {
      throw unavailable(e);
    }
  }

  /** The trail's failure as the retryable server error the caller gets; the cause stays in the log. */
  static KmsInternalException unavailable(AuditUnavailableException e) {
    return new KmsInternalException("The audit trail cannot take events: " + e.getMessage(), e);
  }
}
