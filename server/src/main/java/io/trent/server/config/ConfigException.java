package io.trent.server.config;

/** A configuration that cannot be used; the message is meant for the operator, as is. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
