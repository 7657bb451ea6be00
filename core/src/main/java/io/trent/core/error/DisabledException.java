package io.trent.core.error;

/** The KMS key is disabled. */
public final class DisabledException extends KmsException {
  public DisabledException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "DisabledException";
  }
}
