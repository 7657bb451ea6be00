package io.trent.server.config;

import java.util.List;
import java.util.Locale;

/**
 * The {@code server} section: where to listen, whom to answer and how much work to accept.
 *
 * @param host the address to bind, e.g. 127.0.0.1 (loopback) or 0.0.0.0 (all interfaces)
 * @param port the TCP port; 0 picks a free one
 * @param maxRequestBytes the largest request body accepted; larger ones get HTTP 413
 * @param hsmWorkers threads that run KMS operations (and so HSM calls); see {@code KmsHttpServer}
 * @param hsmQueueCapacity requests that may wait for a worker before callers are throttled
 * @param hsmQueueBytes request bodies, in bytes, that may be held by waiting and running operations
 *     before callers are throttled; at least {@code maxRequestBytes}
 * @param ioThreads Netty event-loop threads; they never block, so one or two are plenty
 * @param allowedHosts the names a request's {@code Host} header may carry (any port), lower case,
 *     IPv6 literals in brackets; the bind address is always allowed as well
 * @param allowedOrigins the browser origins ({@code scheme://host[:port]}) whose requests are
 *     served; a request with any other {@code Origin} header is refused
 * @param metrics whether {@code GET /metrics} answers (the Prometheus text format, no authentication)
 * @param logFormat the log's format: {@code text} lines, or {@code json} lines for log collectors
 */
public record ServerConfig(
    String host, int port, int maxRequestBytes, int hsmWorkers, int hsmQueueCapacity, long hsmQueueBytes,
    int ioThreads, List<String> allowedHosts, List<String> allowedOrigins, boolean metrics, LogFormat logFormat) {

  /** With {@code GET /metrics} served and text logs, the defaults. */
  public ServerConfig(String host, int port, int maxRequestBytes, int hsmWorkers, int hsmQueueCapacity,
      long hsmQueueBytes, int ioThreads, List<String> allowedHosts, List<String> allowedOrigins) {
    this(host, port, maxRequestBytes, hsmWorkers, hsmQueueCapacity, hsmQueueBytes, ioThreads, allowedHosts,
        allowedOrigins, true, LogFormat.TEXT);
  }

  public ServerConfig {
    if (host == null || host.isBlank()) {
      throw new ConfigException("server.host must not be empty");
    }
    if (port < 0 || port > 65_535) {
      throw new ConfigException("server.port must be between 0 and 65535, not " + port);
    }
    requirePositive("server.maxRequestBytes", maxRequestBytes);
    requirePositive("server.hsmWorkers", hsmWorkers);
    requirePositive("server.hsmQueueCapacity", hsmQueueCapacity);
    if (hsmQueueBytes < maxRequestBytes) {
      // Otherwise a request of the largest accepted size could never be queued.
      throw new ConfigException("server.hsmQueueBytes (" + hsmQueueBytes
          + ") must be at least server.maxRequestBytes (" + maxRequestBytes + ")");
    }
    requirePositive("server.ioThreads", ioThreads);
    allowedHosts = allowedHosts == null ? List.of() : allowedHosts.stream().map(ServerConfig::hostName).toList();
    allowedOrigins = allowedOrigins == null ? List.of() : allowedOrigins.stream().map(ServerConfig::origin).toList();
    logFormat = logFormat == null ? LogFormat.TEXT : logFormat;
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, maxRequestBytes, hsmWorkers, hsmQueueCapacity, hsmQueueBytes, ioThreads,
        allowedHosts, allowedOrigins, metrics, logFormat);
  }

  /**
   * A host name or IP literal as the {@code Host} header carries it, without the port: lower case,
   * an IPv6 literal in brackets ({@code ::1} becomes {@code [::1]}).
   *
   * @throws ConfigException for a value that cannot be a host name (empty, spaces, a port, a path)
   */
  public static String hostName(String value) {
    String name = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    boolean bracketed = name.startsWith("[") && name.endsWith("]") && name.length() > 2;
    if (!bracketed && name.indexOf(':') != name.lastIndexOf(':') && name.indexOf('[') < 0 && name.indexOf(']') < 0) {
      name = "[" + name + "]"; // a bare IPv6 literal, as in server.host
      bracketed = true;
    }
    if (name.isEmpty() || (!bracketed && name.indexOf(':') >= 0) || containsAny(name, " \t/\\*@?#,")) {
      throw new ConfigException("server.allowedHosts entries are host names or IP addresses without a port, not '"
          + value + "'");
    }
    return name;
  }

  private static String origin(String value) {
    String origin = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    int scheme = origin.indexOf("://");
    if (scheme <= 0 || scheme + 3 == origin.length() || origin.indexOf('/', scheme + 3) >= 0
        || containsAny(origin, " \t\\*?#,")) {
      throw new ConfigException("server.allowedOrigins entries are origins such as https://app.example.com, not '"
          + value + "'");
    }
    return origin;
  }

  private static boolean containsAny(String text, String characters) {
    for (int i = 0; i < characters.length(); i++) {
      if (text.indexOf(characters.charAt(i)) >= 0) {
        return true;
      }
    }
    return false;
  }

  static void requirePositive(String key, long value) {
    if (value < 1) {
      throw new ConfigException(key + " must be at least 1, not " + value);
    }
  }
}
