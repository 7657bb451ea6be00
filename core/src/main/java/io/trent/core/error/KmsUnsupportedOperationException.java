package io.trent.core.error;

/** The operation is not supported for this key, or on this HSM. */
public final class KmsUnsupportedOperationException extends KmsException {
  public KmsUnsupportedOperationException() {
    super(null);
  }

  public KmsUnsupportedOperationException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "UnsupportedOperationException";
  }
}
