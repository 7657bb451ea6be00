package io.trent.audit;

/**
 * Told of each group commit on the trail's sync thread: how many records it made durable and how long that took
 * (the sync and the completion of their futures). For metrics; called on the sync thread, so it must not block.
 */
@FunctionalInterface
public interface AuditSyncListener {
  /** Listens to nothing: the trail's default. */
  AuditSyncListener NONE = (records, nanos) -> { };

  /**
   * @param records the records the round made durable (or failed), at least one
   * @param nanos how long the round took, in nanoseconds
   */
  void synced(int records, long nanos);
}
