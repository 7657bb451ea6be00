package io.trent.core.error;

/** The resource (an alias) already exists. */
public final class AlreadyExistsException extends KmsException {
  public AlreadyExistsException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "AlreadyExistsException";
  }
}
