package io.trent.core.error;

/** The signature does not verify. AWS sends no message. */
public final class KmsInvalidSignatureException extends KmsException {
  public KmsInvalidSignatureException() {
    super(null);
  }

  @Override
  public String errorType() {
    return "KMSInvalidSignatureException";
  }
}
