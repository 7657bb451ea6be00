package io.trent.server.protocol;

import io.trent.core.KmsServices;
import io.trent.core.error.KmsException;
import io.trent.core.error.UnknownOperationException;

/**
 * The AWS JSON 1.1 protocol for KMS: maps an operation name and a JSON request body to a core
 * operation and its response body. The only place (with the HTTP transport) that knows JSON.
 * STUB: the real implementation is being written.
 */
public final class KmsJsonProtocol {
  private final KmsServices services;

  public KmsJsonProtocol(KmsServices services) {
    this.services = services;
  }

  /**
   * Runs one operation.
   *
   * @param operation the part of X-Amz-Target after "TrentService."
   * @param body the request body (may be empty)
   * @return the JSON response body (HTTP 200)
   * @throws KmsException for every error, to be rendered with {@link #errorBody(KmsException)}
   */
  public byte[] handle(String operation, byte[] body) {
    throw new UnknownOperationException();
  }

  /** The AWS error body: {"__type": ..., "message": ...}, without message where AWS sends none. */
  public static byte[] errorBody(KmsException e) {
    String type = e.errorType();
    String msg = e.awsMessage();
    StringBuilder sb = new StringBuilder("{\"__type\":\"").append(type).append('"');
    if (msg != null) {
      sb.append(",\"message\":\"").append(msg.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return sb.append('}').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
