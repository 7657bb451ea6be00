package io.trent.metadata.jdbc;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the store may wait on its database, and how many connections it keeps. Together they bound
 * how long a request can wait on a database outage: at most {@code connectionTimeout} for a
 * connection, then at most {@code statementTimeout} for each statement.
 *
 * @param poolSize connections in the pool (at least 1)
 * @param connectionTimeout how long a caller waits for a connection before the store reports the
 *     database unavailable (HikariCP's minimum is 250 ms)
 * @param statementTimeout how long one statement may run, waiting on locks included, before the
 *     database cancels it
 */
public record StoreSettings(int poolSize, Duration connectionTimeout, Duration statementTimeout) {
  // Before DEFAULTS: the constructor that makes DEFAULTS reads it.
  private static final Duration HIKARI_MINIMUM = Duration.ofMillis(250);

  /** 4 connections, 5 s to get one, 5 s per statement. */
  public static final StoreSettings DEFAULTS =
      new StoreSettings(4, Duration.ofSeconds(5), Duration.ofSeconds(5));

  public StoreSettings {
    Objects.requireNonNull(connectionTimeout, "connectionTimeout");
    Objects.requireNonNull(statementTimeout, "statementTimeout");
    if (poolSize < 1) {
      throw new IllegalArgumentException("metadata.poolSize must be at least 1, not " + poolSize);
    }
    if (connectionTimeout.compareTo(HIKARI_MINIMUM) < 0) {
      throw new IllegalArgumentException("metadata.connectionTimeoutMillis must be at least 250, not "
          + connectionTimeout.toMillis());
    }
    if (statementTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("metadata.statementTimeoutMillis must be positive, not "
          + statementTimeout.toMillis());
    }
  }
}
