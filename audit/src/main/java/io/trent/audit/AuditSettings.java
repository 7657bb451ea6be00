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
 */
public record AuditSettings(Path directory, String nodeId, long maxFileBytes, Duration maxFileAge,
    Duration digestInterval) {
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** The bound: a digest covers the trail at least every minute. */
  public static final Duration MAX_DIGEST_INTERVAL = Duration.ofSeconds(60);

  public AuditSettings {
    Objects.requireNonNull(directory, "directory");
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
  }

  /** Turns any text (e.g. a host name and port) into a valid node id. */
  public static String sanitizeNodeId(String text) {
    String cleaned = text.replaceAll("[^A-Za-z0-9._-]", "-");
    return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
  }
}
