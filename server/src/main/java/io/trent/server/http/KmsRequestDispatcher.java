package io.trent.server.http;

/**
 * Runs one KMS operation; {@code KmsJsonProtocol::handle} is the production implementation.
 * Called on an HSM worker thread, never on the event loop, so it may block.
 */
@FunctionalInterface
public interface KmsRequestDispatcher {

  /**
   * @param operation the part of {@code X-Amz-Target} after {@code TrentService.}, non-empty
   * @param body the request body, possibly empty; the transport zeroes it when this returns
   * @return the JSON response body sent with HTTP 200: a fresh array, which the transport zeroes
   *     once it is written, since it may hold plaintext
   * @throws io.trent.core.error.KmsException for every error the caller should see
   */
  byte[] dispatch(String operation, byte[] body);
}
