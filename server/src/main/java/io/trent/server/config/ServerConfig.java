package io.trent.server.config;

/**
 * The {@code server} section: where to listen and how much work to accept.
 *
 * @param host the address to bind, e.g. 127.0.0.1 (loopback) or 0.0.0.0 (all interfaces)
 * @param port the TCP port; 0 picks a free one
 * @param maxRequestBytes the largest request body accepted; larger ones get HTTP 413
 * @param hsmWorkers threads that run KMS operations (and so HSM calls); see {@code KmsHttpServer}
 * @param hsmQueueCapacity requests that may wait for a worker before callers are throttled
 * @param ioThreads Netty event-loop threads; they never block, so one or two are plenty
 */
public record ServerConfig(
    String host, int port, int maxRequestBytes, int hsmWorkers, int hsmQueueCapacity, int ioThreads) {

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
    requirePositive("server.ioThreads", ioThreads);
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, maxRequestBytes, hsmWorkers, hsmQueueCapacity, ioThreads);
  }

  static void requirePositive(String key, long value) {
    if (value < 1) {
      throw new ConfigException(key + " must be at least 1, not " + value);
    }
  }
}
