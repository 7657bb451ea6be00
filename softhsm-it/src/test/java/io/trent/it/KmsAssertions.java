package io.trent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import software.amazon.awssdk.services.kms.model.KmsException;

/** Assertions on the AWS errors the SDK surfaces. */
public final class KmsAssertions {
  private KmsAssertions() {}

  /**
   * Runs the call, expects an AWS error of exactly this SDK class (KmsException.class for the
   * unmodeled ValidationException), this error code and HTTP 400, and returns it.
   */
  public static KmsException expectError(
      ThrowingCallable call, Class<? extends KmsException> type, String errorCode) {
    Throwable t = catchThrowable(call);
    assertThat(t).as("expected a %s", errorCode).isNotNull();
    assertThat(t).as("expected an AWS error %s, got %s", errorCode, t).isInstanceOf(KmsException.class);
    KmsException e = (KmsException) t;
    assertThat(e.awsErrorDetails().errorCode()).as("__type of %s", e).isEqualTo(errorCode);
    assertThat(e.getClass()).as("SDK exception class for %s", e).isEqualTo(type);
    assertThat(e.statusCode()).as("HTTP status of %s", e).isEqualTo(400);
    return e;
  }

  /** As {@link #expectError} and the message must be exactly {@code message}. */
  public static KmsException expectError(
      ThrowingCallable call, Class<? extends KmsException> type, String errorCode, String message) {
    KmsException e = expectError(call, type, errorCode);
    assertThat(e.awsErrorDetails().errorMessage()).as("message of %s", errorCode).isEqualTo(message);
    return e;
  }

  public static KmsException expectValidation(ThrowingCallable call, String message) {
    return expectError(call, KmsException.class, "ValidationException", message);
  }

  public static KmsException expectValidationPrefix(ThrowingCallable call, String prefix) {
    KmsException e = expectError(call, KmsException.class, "ValidationException");
    assertThat(e.awsErrorDetails().errorMessage()).startsWith(prefix);
    return e;
  }

  /** InvalidCiphertextException: HTTP 400, no message (AWS sends none). */
  public static KmsException expectInvalidCiphertext(ThrowingCallable call) {
    KmsException e =
        expectError(
            call,
            software.amazon.awssdk.services.kms.model.InvalidCiphertextException.class,
            "InvalidCiphertextException");
    assertThat(e.awsErrorDetails().errorMessage()).as("InvalidCiphertextException carries no message").isNullOrEmpty();
    return e;
  }

  /** Runs an assertion and names the case (operation, key, ...) when it fails. */
  public static void named(String name, Runnable assertion) {
    try {
      assertion.run();
    } catch (AssertionError e) {
      throw new AssertionError(name + ": " + e.getMessage(), e);
    }
  }
}
