package io.trent.server.config;

import io.trent.metadata.jdbc.StoreSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code metadata} section: where key metadata and aliases live (never key material).
 *
 * @param jdbcUrl a JDBC URL ({@code jdbc:postgresql://HOST:PORT/DB?user=U} for several nodes); empty
 *     means an embedded H2 database under the data directory
 * @param user the database user; empty when the URL names it
 * @param password the database password (from {@code TRENT_METADATA_PASSWORD}, preferably); never
 *     printed by {@link #toString()}
 * @param passwordFile a file (mode 0600) holding the password, read when {@code password} is empty
 * @param poolSize connections kept to the database
 * @param connectionTimeoutMillis how long a request waits for a connection before it fails with a
 *     retryable error (the database is down or every connection busy); at least 250
 * @param statementTimeoutMillis how long one statement may run before the database cancels it
 */
public record MetadataConfig(String jdbcUrl, String user, String password, String passwordFile, int poolSize,
    long connectionTimeoutMillis, long statementTimeoutMillis) {
  public MetadataConfig {
    jdbcUrl = jdbcUrl == null ? "" : jdbcUrl.trim();
    user = user == null ? "" : user;
    password = password == null ? "" : password;
    passwordFile = passwordFile == null ? "" : passwordFile.trim();
    try {
      // From the parameters: a compact constructor assigns the fields only after its body.
      settings(poolSize, connectionTimeoutMillis, statementTimeoutMillis);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** True when the embedded database under the data directory is used. */
  public boolean embedded() {
    return jdbcUrl.isEmpty();
  }

  /** The pool size and the waits the store is held to. */
  public StoreSettings settings() {
    return settings(poolSize, connectionTimeoutMillis, statementTimeoutMillis);
  }

  private static StoreSettings settings(int poolSize, long connectionTimeoutMillis, long statementTimeoutMillis) {
    return new StoreSettings(poolSize, Duration.ofMillis(connectionTimeoutMillis),
        Duration.ofMillis(statementTimeoutMillis));
  }

  /** The password: {@code password}, else the contents of {@code passwordFile}, else empty. */
  public String resolvedPassword() {
    if (!password.isEmpty() || passwordFile.isEmpty()) {
      return password;
    }
    Path file = Path.of(passwordFile);
    return new String(SecretFile.read(file).chars());
  }

  /** This configuration with another database URL (the command line's {@code --metadata-url}). */
  public MetadataConfig withJdbcUrl(String newJdbcUrl) {
    return new MetadataConfig(newJdbcUrl, user, password, passwordFile, poolSize, connectionTimeoutMillis,
        statementTimeoutMillis);
  }

  @Override
  public String toString() {
    return "MetadataConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=****, passwordFile=" + passwordFile
        + ", poolSize=" + poolSize + ", connectionTimeoutMillis=" + connectionTimeoutMillis
        + ", statementTimeoutMillis=" + statementTimeoutMillis + "]";
  }
}
