package io.trent.core.error;

/** The MAC does not verify. AWS sends no message. */
public final class KmsInvalidMacException extends KmsException {
  public KmsInvalidMacException() {
    super(null);
  }

  @Override
  public String errorType() {
    return "KMSInvalidMacException";
  }
}
