package io.trent.core.error;

/** The key, alias or other resource does not exist. */
public final class NotFoundException extends KmsException {
  public NotFoundException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "NotFoundException";
  }
}
