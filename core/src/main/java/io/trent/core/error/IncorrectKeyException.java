package io.trent.core.error;

/** The KeyId in the request is not the key that encrypted the ciphertext. */
public final class IncorrectKeyException extends KmsException {
  public IncorrectKeyException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "IncorrectKeyException";
  }
}
