package io.trent.core.error;

/** The key's usage or spec does not allow the operation or algorithm. */
public final class InvalidKeyUsageException extends KmsException {
  public InvalidKeyUsageException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "InvalidKeyUsageException";
  }
}
