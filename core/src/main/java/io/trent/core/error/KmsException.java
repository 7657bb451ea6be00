package io.trent.core.error;

/**
 * An error that the KMS API reports to the caller: one subclass per AWS error type.
 *
 * <p>{@link #awsMessage()} is null for the AWS errors whose wire body carries no {@code message}
 * (InvalidCiphertextException, KMSInvalidSignatureException, ...). Client errors skip the stack
 * trace: they are expected outcomes on the hot path, not bugs.
 */
public abstract class KmsException extends RuntimeException {
  private final String awsMessage;

  protected KmsException(String awsMessage, boolean serverFault, Throwable cause) {
    super(awsMessage == null ? "" : awsMessage, cause, true, serverFault);
    this.awsMessage = awsMessage;
  }

  protected KmsException(String awsMessage) {
    this(awsMessage, false, null);
  }

  /** The AWS error type, sent as {@code __type}. */
  public abstract String errorType();

  /** The HTTP status AWS answers with for this error. */
  public int httpStatus() {
    return 400;
  }

  /** The message sent to the caller, or null when AWS sends none. */
  public String awsMessage() {
    return awsMessage;
  }

  /** True for server-side faults a client should retry (5xx). */
  public boolean isRetryable() {
    return httpStatus() >= 500;
  }
}
