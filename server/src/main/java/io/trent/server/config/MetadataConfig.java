package io.trent.server.config;

/**
 * The {@code metadata} section: where key metadata and aliases live (never key material).
 *
 * @param jdbcUrl a JDBC URL; empty means an embedded H2 database under the data directory
 * @param user the database user
 * @param password the database password; never printed by {@link #toString()}
 */
public record MetadataConfig(String jdbcUrl, String user, String password) {
  public MetadataConfig {
    jdbcUrl = jdbcUrl == null ? "" : jdbcUrl.trim();
    user = user == null ? "" : user;
    password = password == null ? "" : password;
  }

  /** True when the embedded database under the data directory is used. */
  public boolean embedded() {
    return jdbcUrl.isEmpty();
  }

  @Override
  public String toString() {
    return "MetadataConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=****]";
  }
}
