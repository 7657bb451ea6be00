package io.trent.server.http;

import io.trent.core.error.DependencyTimeoutException;
import io.trent.core.error.KeyUnavailableException;
import io.trent.core.error.KmsException;
import io.trent.core.error.KmsInternalException;

/**
 * What a caller learns of a server-side fault (HTTP 5xx): AWS's generic text for the error type,
 * never the detail (PKCS#11 return codes, token labels, material ids, SQL states), which the
 * handler logs under the request id. The texts are AWS's descriptions of these errors in the KMS
 * API reference and SDK models.
 *
 * <p>One exception: KeyUnavailableException {@code <key ARN> is unavailable.}, the answer AWS gives
 * for a key whose state is Unavailable, is kept, since it names only the key the caller asked for.
 */
public final class ServerFaultReply {
  static final String INTERNAL =
      "The request processing has failed because of an unknown error, exception or failure.";
  static final String TIMEOUT = "The system timed out while trying to fulfill the request. You can retry the request.";
  static final String KEY_UNAVAILABLE =
      "The request was rejected because the specified KMS key was not available. You can retry the request.";
  private static final String UNAVAILABLE_SUFFIX = " is unavailable.";
  private static final Reply INTERNAL_REPLY = Reply.error(new KmsInternalException(INTERNAL));
  private static final Reply TIMEOUT_REPLY = Reply.error(new DependencyTimeoutException(TIMEOUT));
  private static final Reply KEY_UNAVAILABLE_REPLY = Reply.error(new KeyUnavailableException(KEY_UNAVAILABLE));

  private ServerFaultReply() {}

  /** The reply for a fault whose own message may carry internal detail. */
  static Reply of(KmsException fault) {
    if (fault instanceof KeyUnavailableException) {
      return namesOnlyAKey(fault.awsMessage()) ? Reply.error(fault) : KEY_UNAVAILABLE_REPLY;
    }
    if (fault instanceof DependencyTimeoutException) {
      return TIMEOUT_REPLY;
    }
    return INTERNAL_REPLY;
  }

  /** For a dependency (the metadata database) that failed or did not answer in time: retryable. */
  static Reply dependencyTimeout() {
    return TIMEOUT_REPLY;
  }

  /** The message the caller gets for this fault (what the audit trail records as its errorMessage). */
  public static String callerMessage(KmsException fault) {
    return of(fault).errorMessage();
  }

  /** For an unexpected exception (a bug): a bare KMSInternalException. */
  static Reply internal() {
    return INTERNAL_REPLY;
  }

  /** True for exactly {@code arn:...:key/<id> is unavailable.}: one ARN, nothing else. */
  private static boolean namesOnlyAKey(String message) {
    if (message == null || !message.startsWith("arn:") || !message.endsWith(UNAVAILABLE_SUFFIX)) {
      return false;
    }
    int arnEnd = message.length() - UNAVAILABLE_SUFFIX.length();
    int keyPart = message.lastIndexOf(":key/", arnEnd);
    return keyPart > 0 && message.indexOf(' ') == arnEnd;
  }
}
