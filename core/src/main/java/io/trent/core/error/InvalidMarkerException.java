package io.trent.core.error;

/** A paging marker that this server did not issue. */
public final class InvalidMarkerException extends KmsException {
  public InvalidMarkerException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "InvalidMarkerException";
  }
}
