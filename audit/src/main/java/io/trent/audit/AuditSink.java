package io.trent.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/**
 * Where audit events go: one JSON object per event, appended durably and in order. The request path
 * checks {@link #checkWritable()} before any cryptographic work and calls {@link #append} before the
 * response is sent, so a trail that cannot be written refuses requests instead of losing their record.
 *
 * <p>Event fields are the caller's (CloudTrail's KMS shape plus a {@code trent} object); the sink adds
 * only its own integrity fields, under the top-level name {@code integrity}, which callers never set.
 */
public interface AuditSink {
  /** Accepts and discards every event; for tests and harnesses that do not audit. */
  AuditSink DISCARD = new AuditSink() {
    @Override
    public void checkWritable() { }

    @Override
    public void append(ObjectNode event) { }
  };

  /**
   * Whether an event could be written now.
   *
   * @throws AuditUnavailableException when the last write failed or the trail is closed
   */
  void checkWritable();

  /**
   * Appends one event; returns only once it is durable (written and synced, possibly together with
   * other events in one group commit).
   *
   * @throws AuditUnavailableException when it could not be made durable; the event is then not in the trail
   */
  void append(ObjectNode event);

  /**
   * Starts appending one event and returns at once: the future completes once the event is durable, or
   * exceptionally with {@link AuditUnavailableException} when it could not be made durable. Lets the
   * request path free its HSM worker while the disk syncs, so that one group commit covers every request
   * in flight. The default appends on the calling thread (blocking) and returns a completed future.
   *
   * @return completed on the thread that made the event durable; callers must not block that thread
   */
  default CompletableFuture<Void> appendAsync(ObjectNode event) {
    try {
      append(event);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
