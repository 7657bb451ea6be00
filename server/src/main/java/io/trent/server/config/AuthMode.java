package io.trent.server.config;

/** How requests are authenticated. */
public enum AuthMode {
  /**
   * For development only: any credentials are accepted, signatures are not verified, and an
   * unsigned request is served; a present Authorization header must still have SigV4's shape.
   */
  DEV,
  /**
   * Every request except {@code GET /health} needs a valid SigV4 signature by an access key of a
   * principal Trent knows (see {@code trent principal}), scoped to one of {@code auth.regions}.
   */
  SIGV4
}
