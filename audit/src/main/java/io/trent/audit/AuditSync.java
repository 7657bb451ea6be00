package io.trent.audit;

/** When the trail syncs a record to disk, relative to acknowledging its request. See docs/audit.md, "Durability". */
public enum AuditSync {
  /**
   * Every record is on disk ({@code fdatasync}) before its append returns or its future completes; records
   * written while a sync runs share the next one (group commit). Nothing acknowledged is lost, even by a host
   * or power failure.
   */
  BATCH,
  /**
   * Every record is written to the operating system ({@code write(2)} returned) before its append returns or
   * its future completes; the trail syncs at most every {@link AuditSettings#syncInterval()}, and at every
   * rotation, digest and close. A crash of the process loses nothing acknowledged; a crash of the host or a
   * power failure loses at most the records of the last interval.
   */
  INTERVAL
}
