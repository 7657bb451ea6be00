package io.trent.core.error;

/** The request named a resource in a form this operation does not take (an alias where only a key will do). */
public final class InvalidArnException extends KmsException {
  public InvalidArnException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "InvalidArnException";
  }
}
