package io.trent.core.error;

/** The caller may not perform the action (for example on a reserved alias/aws/ name). */
public final class AccessDeniedException extends KmsException {
  public AccessDeniedException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "AccessDeniedException";
  }
}
