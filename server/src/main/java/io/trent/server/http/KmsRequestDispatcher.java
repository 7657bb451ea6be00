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
}
