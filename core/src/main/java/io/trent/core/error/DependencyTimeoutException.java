package io.trent.core.error;

/** The HSM did not answer in time (or is being reset); retryable. */
public final class DependencyTimeoutException extends KmsException {
  public DependencyTimeoutException(String message, Throwable cause) {
    super(message, true, cause);
  }

  public DependencyTimeoutException(String message) {
    super(message, true, null);
  }

  @Override
  public String errorType() {
    return "DependencyTimeoutException";
  }

  /**
   * 500, as AWS answers it: the KMS service model marks the shape a fault with no status of its own
   * (botocore {@code data/kms/2014-11-01/service-2.json}: {@code "exception":true,"fault":true}), which
   * AWS SDKs read as 500 (AWS SDK for Java v2 {@code kms} 2.29.52, {@code DefaultKmsClient}, registers
   * {@code DependencyTimeoutException} with {@code httpStatusCode(500)}). SDKs and the CLI retry it, as
   * any 500.
   */
  @Override
  public int httpStatus() {
    return 500;
  }
}
