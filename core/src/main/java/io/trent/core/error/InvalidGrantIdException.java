package io.trent.core.error;

/** A GrantId that is not valid. */
public final class InvalidGrantIdException extends KmsException {
  public InvalidGrantIdException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "InvalidGrantIdException";
  }
}
