package io.trent.core.error;

/** An internal or HSM fault; the client should retry. */
public final class KmsInternalException extends KmsException {
  public KmsInternalException(String message, Throwable cause) {
    super(message, true, cause);
  }

  public KmsInternalException(String message) {
    super(message, true, null);
  }

  @Override
  public String errorType() {
    return "KMSInternalException";
  }

  @Override
  public int httpStatus() {
    return 500;
  }
}
