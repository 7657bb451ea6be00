package io.trent.core.error;

/** The KMS key's state does not allow the operation. */
public final class KmsInvalidStateException extends KmsException {
  public KmsInvalidStateException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "KMSInvalidStateException";
  }
}
