package io.trent.core.error;

/** The HSM did not answer in time (or is being reset); retryable. */
public final class DependencyTimeoutException extends KmsException {
  public DependencyTimeoutException(String message, Throwable cause) {
    super(message, true, cause);
  }

  public DependencyTimeoutException(String message) {
    super(message, true, null);
  }

  @Override
  public String errorType() {
    return "DependencyTimeoutException";
  }

  @Override
  public int httpStatus() {
    return 503;
  }
}
