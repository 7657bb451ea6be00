package io.trent.core.error;

/** The X-Amz-Target names no KMS operation. */
public final class UnknownOperationException extends KmsException {
  public UnknownOperationException() {
    super(null);
  }

  @Override
  public String errorType() {
    return "UnknownOperationException";
  }
}
