package io.trent.core.error;

/** An alias name that breaks AWS's alias rules. */
public final class InvalidAliasNameException extends KmsException {
  public InvalidAliasNameException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "InvalidAliasNameException";
  }
}
