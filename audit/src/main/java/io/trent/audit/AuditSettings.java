package io.trent.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how one node writes its chain.
 *
 * @param directory the audit directory (several nodes may share it; each writes its own files)
 * @param nodeId this node's name in file names and records: letters, digits, {@code . _ -}
 * @param maxFileBytes a file is rotated once it reaches this size
 * @param maxFileAge a file is rotated once it is this old (and holds more than its first record)
 * @param digestInterval how long records may wait for a signed digest; at most 60 seconds
 * @param sync whether an append waits for the sync ({@link AuditSync#BATCH}) or only for the write
 * @param syncInterval with {@link AuditSync#INTERVAL}, the longest time a written record waits for its sync; at
 *     most 60 seconds (ignored with {@link AuditSync#BATCH})
 */
public record AuditSettings(Path directory, String nodeId, long maxFileBytes, Duration maxFileAge,
    Duration digestInterval, AuditSync sync, Duration syncInterval) {
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** The bound: a digest covers the trail at least every minute. */
  public static final Duration MAX_DIGEST_INTERVAL = Duration.ofSeconds(60);

  /** The default sync interval of {@link AuditSync#INTERVAL}. */
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMillis(100);

  public AuditSettings {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(sync, "sync");
    Objects.requireNonNull(syncInterval, "syncInterval");
    Objects.requireNonNull(maxFileAge, "maxFileAge");
    Objects.requireNonNull(digestInterval, "digestInterval");
    if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
      throw new IllegalArgumentException("The audit node id must be 1 to 64 letters, digits, '.', '_' or '-', not '"
          + nodeId + "'");
    }
    if (maxFileBytes < 4096) {
      throw new IllegalArgumentException("The audit file size limit must be at least 4096 bytes");
    }
    if (maxFileAge.isNegative() || maxFileAge.isZero()) {
      throw new IllegalArgumentException("The audit file age limit must be positive");
    }
    if (digestInterval.isNegative() || digestInterval.isZero() || digestInterval.compareTo(MAX_DIGEST_INTERVAL) > 0) {
      throw new IllegalArgumentException("The audit digest interval must be positive and at most 60 seconds");
    }
    if (syncInterval.isNegative() || syncInterval.isZero() || syncInterval.compareTo(MAX_DIGEST_INTERVAL) > 0) {
      throw new IllegalArgumentException("The audit sync interval must be positive and at most 60 seconds");
    }
  }

  /** Settings that sync every record before it is acknowledged ({@link AuditSync#BATCH}). */
  public AuditSettings(Path directory, String nodeId, long maxFileBytes, Duration maxFileAge, Duration digestInterval) {
    this(directory, nodeId, maxFileBytes, maxFileAge, digestInterval, AuditSync.BATCH, DEFAULT_SYNC_INTERVAL);
  }

  /** Turns any text (e.g. a host name and port) into a valid node id. */
  public static String sanitizeNodeId(String text) {
    String cleaned = text.replaceAll("[^A-Za-z0-9._-]", "-");
    return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
  }
}
