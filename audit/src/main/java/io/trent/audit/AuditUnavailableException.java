package io.trent.audit;

/**
 * The audit trail cannot take an event (disk full, directory gone, I/O error, closed). Requests are then
 * refused with a retryable server error; the message names the cause, never an event's content.
 */
public final class AuditUnavailableException extends RuntimeException {
  public AuditUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public AuditUnavailableException(String message) {
    super(message);
  }
}
