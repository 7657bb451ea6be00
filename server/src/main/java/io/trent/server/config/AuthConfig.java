package io.trent.server.config;

/**
 * The {@code auth} section.
 *
 * @param mode how callers are authenticated; only {@link AuthMode#DEV} exists today
 */
public record AuthConfig(AuthMode mode) {
  public AuthConfig {
    if (mode == null) {
      throw new ConfigException("auth.mode must be set (dev)");
    }
  }
}
