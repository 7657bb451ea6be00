package io.trent.core.error;

/** A tag that breaks AWS's tag rules. */
public final class TagException extends KmsException {
  public TagException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "TagException";
  }
}
