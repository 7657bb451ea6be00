package io.trent.core.error;

/** The caller exceeded the request rate, or the HSM worker queue is full. */
public final class ThrottlingException extends KmsException {
  public ThrottlingException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "ThrottlingException";
  }
}
