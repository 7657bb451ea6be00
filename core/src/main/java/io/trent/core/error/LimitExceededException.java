package io.trent.core.error;

/** A per-account or per-key limit was reached. */
public final class LimitExceededException extends KmsException {
  public LimitExceededException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "LimitExceededException";
  }
}
