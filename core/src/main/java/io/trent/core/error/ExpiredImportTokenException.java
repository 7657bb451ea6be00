package io.trent.core.error;

/** The import token has expired; call GetParametersForImport again. */
public final class ExpiredImportTokenException extends KmsException {
  public ExpiredImportTokenException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "ExpiredImportTokenException";
  }
}
