package io.trent.server.logging;

import org.slf4j.MDC;

/**
 * Marks the current thread's log lines as one request's ({@code requestId} in the MDC, the
 * {@code x-amzn-RequestId} its response carries) until closed, when the thread's previous request id, if any,
 * is back. A request moves between threads (the event loop, an HSM worker, the audit trail's sync thread that
 * completes it), so each piece of its work opens its own scope.
 */
public final class RequestLogScope implements AutoCloseable {
  /** The MDC key: {@code mdc.requestId} in JSON lines. */
  public static final String REQUEST_ID = "requestId";

  private final String previous;

  private RequestLogScope(String previous) {
    this.previous = previous;
  }

  /** Until {@link #close()}, this thread's log lines carry {@code requestId}. */
  public static RequestLogScope open(String requestId) {
    String previous = MDC.get(REQUEST_ID);
    MDC.put(REQUEST_ID, requestId);
    return new RequestLogScope(previous);
  }

  @Override
  public void close() {
    if (previous == null) {
      MDC.remove(REQUEST_ID);
    } else {
      MDC.put(REQUEST_ID, previous);
    }
  }
}
