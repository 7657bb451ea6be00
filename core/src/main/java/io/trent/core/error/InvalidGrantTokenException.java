package io.trent.core.error;

/** A grant token that is not valid. */
public final class InvalidGrantTokenException extends KmsException {
  public InvalidGrantTokenException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "InvalidGrantTokenException";
  }
}
