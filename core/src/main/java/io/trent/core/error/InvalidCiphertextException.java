package io.trent.core.error;

/** The ciphertext is malformed, tampered with, foreign, or its encryption context does not match. AWS sends no message. */
public final class InvalidCiphertextException extends KmsException {
  public InvalidCiphertextException() {
    super(null);
  }

  @Override
  public String errorType() {
    return "InvalidCiphertextException";
  }
}
