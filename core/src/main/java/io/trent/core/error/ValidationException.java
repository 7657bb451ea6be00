package io.trent.core.error;

/** A request that fails shape or semantic validation. */
public final class ValidationException extends KmsException {
  public ValidationException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "ValidationException";
  }
}
