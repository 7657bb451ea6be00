package io.trent.server.http;

import io.trent.core.auth.Caller;
import io.trent.core.error.KmsException;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one KMS operation; {@code KmsJsonProtocol::handle} is the production implementation.
 * Called on an HSM worker thread, never on the event loop, so it may block.
 */
@FunctionalInterface
public interface KmsRequestDispatcher {

  /**
   * @param operation the part of {@code X-Amz-Target} after {@code TrentService.}, non-empty
   * @param body the request body, possibly empty; the transport zeroes it when this returns
   * @param caller who signed the request (auth.mode sigv4), or null in dev mode
   * @param sourceIp the client's IP address, or null
   * @return the JSON response body sent with HTTP 200: a fresh array, which the transport zeroes
   *     once it is written, since it may hold plaintext
   * @throws io.trent.core.error.KmsException for every error the caller should see
   */
  byte[] dispatch(String operation, byte[] body, Caller caller, String sourceIp);

  /**
   * As {@link #dispatch(String, byte[], Caller, String)}, with what the audit trail records of the request;
   * an auditing dispatcher overrides it.
   */
  default byte[] dispatch(RequestInfo request, byte[] body, Caller caller) {
    return dispatch(request.operation(), body, caller, request.sourceIp());
  }

  /**
   * As {@link #dispatch(RequestInfo, byte[], Caller)}, but may return before the request is fully done: the
   * transport writes the response only when the future completes (with the response body, or with the error the
   * caller gets), so the HSM worker that called it is free meanwhile. An auditing dispatcher completes it once the
   * request's event is durable. The default runs {@code dispatch} and returns its outcome as a completed future.
   *
   * @return completed with a fresh response array (zeroed by the transport once written), or exceptionally
   */
  default CompletableFuture<byte[]> dispatchAsync(RequestInfo request, byte[] body, Caller caller) {
    try {
      return CompletableFuture.completedFuture(dispatch(request, body, caller));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Whether {@link #refused} records anything: then the transport calls it on an HSM worker before answering. */
  default boolean audits() {
    return false;
  }

  /**
   * A request for a named operation that the HTTP edge refused (its authentication failed): nothing ran, and the
   * audit trail records the refusal. Called on an HSM worker.
   *
   * @param claimedAccessKeyId the access key id the Authorization header names, or null
   * @param errorCode the error type the caller gets
   * @param errorMessage its message, or null
   * @throws io.trent.core.error.KmsException when it could not be recorded (the caller then gets that error)
   */
  default void refused(RequestInfo request, String claimedAccessKeyId, String errorCode, String errorMessage) {
  }

  /**
   * As {@link #refused}, completing once the refusal is recorded (exceptionally with the
   * {@link io.trent.core.error.KmsException} the caller then gets). The default calls {@code refused}.
   */
  default CompletableFuture<Void> refusedAsync(RequestInfo request, String claimedAccessKeyId, String errorCode,
      String errorMessage) {
    try {
      refused(request, claimedAccessKeyId, errorCode, errorMessage);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * A request that the transport refused before it ran because no HSM worker could take it (the queue was full):
   * the caller gets {@code error} (ThrottlingException), and the audit trail records it as that request's event, as
   * CloudTrail records throttled calls. Called off the event loop, never on an HSM worker (none is free).
   *
   * @param caller who signed the request, or null in dev mode
   * @return completed once recorded, or exceptionally with the {@link KmsException} the caller then gets
   */
  default CompletableFuture<Void> throttledAsync(RequestInfo request, Caller caller, KmsException error) {
    return CompletableFuture.completedFuture(null);
  }
}
