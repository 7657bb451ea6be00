package io.trent.server.config;

import io.trent.audit.AuditSettings;
import io.trent.audit.AuditSync;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code audit} section: where the audit trail is written and how its files rotate.
 *
 * @param directory the audit directory; empty means {@code <dataDir>/audit}
 * @param nodeId this node's name in the trail; empty means the host name and port (the process id
 *     when the port is 0), so that two nodes on one data directory write different files
 * @param maxFileBytes a trail file is rotated once it reaches this size
 * @param maxFileAgeMillis a trail file is rotated once it is this old
 * @param digestIntervalMillis how often a signed digest covers new records; at most 60000
 * @param sync {@code batch}: a response waits for its event's fdatasync; {@code interval}: for its write, the
 *     sync following within {@code syncIntervalMillis} (docs/audit.md, "Durability")
 * @param syncIntervalMillis with {@code sync: interval}, the longest a written event waits for its sync; 1 to 60000
 */
public record AuditConfig(String directory, String nodeId, long maxFileBytes, long maxFileAgeMillis,
    long digestIntervalMillis, AuditSync sync, long syncIntervalMillis) {

  public AuditConfig {
    directory = directory == null ? "" : directory.trim();
    nodeId = nodeId == null ? "" : nodeId.trim();
    if (maxFileBytes < 4096) {
      throw new ConfigException("audit.maxFileBytes must be at least 4096, not " + maxFileBytes);
    }
    ServerConfig.requirePositive("audit.maxFileAgeMillis", maxFileAgeMillis);
    if (digestIntervalMillis < 1 || digestIntervalMillis > AuditSettings.MAX_DIGEST_INTERVAL.toMillis()) {
      throw new ConfigException("audit.digestIntervalMillis must be 1 to 60000 (a digest at least every minute), not "
          + digestIntervalMillis);
    }
    sync = sync == null ? AuditSync.BATCH : sync;
    if (syncIntervalMillis < 1 || syncIntervalMillis > AuditSettings.MAX_DIGEST_INTERVAL.toMillis()) {
      throw new ConfigException("audit.syncIntervalMillis must be 1 to 60000, not " + syncIntervalMillis);
    }
    if (!nodeId.isEmpty() && !nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new ConfigException("audit.nodeId must be 1 to 64 letters, digits, '.', '_' or '-', not '" + nodeId + "'");
    }
  }

  /** The audit directory for a data directory. */
  public Path directory(Path dataDir) {
    return directory.isEmpty() ? dataDir.resolve("audit") : Path.of(directory).toAbsolutePath().normalize();
  }

  /** The trail's settings for a server on this data directory and configured port. */
  public AuditSettings settings(Path dataDir, int port) {
    return new AuditSettings(directory(dataDir), nodeId.isEmpty() ? defaultNodeId(port) : nodeId, maxFileBytes,
        Duration.ofMillis(maxFileAgeMillis), Duration.ofMillis(digestIntervalMillis), sync,
        Duration.ofMillis(syncIntervalMillis));
  }

  /**
   * The settings of the chain that {@code trent principal} writes its changes in: a node of its own
   * ({@code <nodeId or host>-cli}), so it never shares a file or a lock with a running server.
   */
  public AuditSettings cliSettings(Path dataDir) {
    return new AuditSettings(directory(dataDir), AuditSettings.sanitizeNodeId((nodeId.isEmpty() ? hostName() : nodeId)
        + "-cli"), maxFileBytes, Duration.ofMillis(maxFileAgeMillis), Duration.ofMillis(digestIntervalMillis), sync,
        Duration.ofMillis(syncIntervalMillis));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private static String defaultNodeId(int port) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return AuditSettings.sanitizeNodeId(host + "-" + (port != 0 ? Integer.toString(port)
        : "pid" + ProcessHandle.current().pid()));
  }
}
