package io.trent.server.http;

import io.trent.core.auth.Caller;

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
}
