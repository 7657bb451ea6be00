package io.trent.server.config;

/** How requests are authenticated. */
public enum AuthMode {
  /** Any SigV4 credentials are accepted and the Authorization header is not checked: for development only. */
  DEV
}
