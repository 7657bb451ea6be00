package io.trent.core.error;

/** The key's HSM object cannot be reached right now; retryable. */
public final class KeyUnavailableException extends KmsException {
  public KeyUnavailableException(String message, Throwable cause) {
    super(message, true, cause);
  }

  public KeyUnavailableException(String message) {
    super(message, true, null);
  }

  @Override
  public String errorType() {
    return "KeyUnavailableException";
  }

  @Override
  public int httpStatus() {
    return 500;
  }
}
