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
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs each request through the JSON protocol and records exactly one audit event for it before its response
 * leaves (without holding the HSM worker while the disk syncs: {@link #dispatchAsync}), failing closed: a trail that cannot take an event refuses the request before any work
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
    return await(dispatchAsync(request, body, caller));
  }

  /**
   * Runs the operation and builds its event on the calling (HSM) thread, then hands the event to the trail without
   * waiting for the disk: the future completes with the response once the event is durable, with the operation's
   * error once its event is durable, and with KMSInternalException (the response zeroed) when the event could not
   * be made durable.
   */
  @Override
  public CompletableFuture<byte[]> dispatchAsync(RequestInfo request, byte[] body, Caller caller) {
    if (!protocol.serves(request.operation())) {
      try {
        return CompletableFuture.completedFuture( // UnknownOperationException
            protocol.handle(request.operation(), body, caller, request.sourceIp()));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    try {
      sink.checkWritable();
    } catch (AuditUnavailableException e) {
      return CompletableFuture.failedFuture(unavailable(e));
    }
    CallRecord call = new CallRecord();
    byte[] response;
    try {
      response = protocol.handle(request.operation(), body, caller, request.sourceIp(), call);
    } catch (KmsException e) {
      return afterAppend(ApiCallEvent.of(context, request, caller, call, e), e);
    } catch (RuntimeException | Error e) {
      // A bug: the caller gets a bare KMSInternalException, and so does the record.
      return afterAppend(
          ApiCallEvent.of(context, request, caller, call, new KmsInternalException("unexpected failure", e)), e);
    }
    return appendAsync(ApiCallEvent.of(context, request, caller, call, null)).handle((ok, failure) -> {
      if (failure != null) {
        Arrays.fill(response, (byte) 0); // may hold plaintext: never returned unaudited
        throw asCompletionException(failure);
      }
      return response;
    });
  }

  /** Fails with {@code error} once the event is durable, or with the trail's failure when it could not be. */
  private CompletableFuture<byte[]> afterAppend(ObjectNode event, Throwable error) {
    return appendAsync(event).handle((ok, failure) -> {
      throw asCompletionException(failure != null ? failure : error);
    });
  }

  @Override
  public boolean audits() {
    return true;
  }

  @Override
  public void refused(RequestInfo request, String claimedAccessKeyId, String errorCode, String errorMessage) {
    await(refusedAsync(request, claimedAccessKeyId, errorCode, errorMessage));
  }

  @Override
  public CompletableFuture<Void> refusedAsync(RequestInfo request, String claimedAccessKeyId, String errorCode,
      String errorMessage) {
    if (!protocol.serves(request.operation())) {
      return CompletableFuture.completedFuture(null);
    }
    return appendAsync(ApiCallEvent.refused(context, request, claimedAccessKeyId, errorCode, errorMessage));
  }

  @Override
  public CompletableFuture<Void> throttledAsync(RequestInfo request, Caller caller, KmsException error) {
    if (!protocol.serves(request.operation())) {
      return CompletableFuture.completedFuture(null);
    }
    return appendAsync(ApiCallEvent.of(context, request, caller, CallRecord.notRun(request.operation()), error));
  }

  /** The sink's append, its AuditUnavailableException turned into the caller's KMSInternalException. */
  private CompletableFuture<Void> appendAsync(ObjectNode event) {
    CompletableFuture<Void> appended;
    try {
      appended = sink.appendAsync(event);
    } catch (RuntimeException e) {
      appended = CompletableFuture.failedFuture(e);
    }
    return appended.handle((ok, failure) -> {
      if (failure != null) {
        Throwable cause = unwrap(failure);
        throw asCompletionException(cause instanceof AuditUnavailableException a ? unavailable(a) : cause);
      }
      return null;
    });
  }

  /** Waits for a future (the blocking API), throwing what it failed with as it was thrown. */
  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static CompletionException asCompletionException(Throwable failure) {
    Throwable cause = unwrap(failure);
    return cause instanceof CompletionException c ? c : new CompletionException(cause);
  }

  /** The trail's failure as the retryable server error the caller gets; the cause stays in the log. */
  static KmsInternalException unavailable(AuditUnavailableException e) {
    return new KmsInternalException("The audit trail cannot take events: " + e.getMessage(), e);
  }
}
