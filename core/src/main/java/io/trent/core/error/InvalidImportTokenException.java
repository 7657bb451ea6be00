package io.trent.core.error;

/** The import token is not valid for this key. */
public final class InvalidImportTokenException extends KmsException {
  public InvalidImportTokenException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "InvalidImportTokenException";
  }
}
