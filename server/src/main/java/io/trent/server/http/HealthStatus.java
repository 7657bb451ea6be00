package io.trent.server.http;

/**
 * The answer of a {@link HealthProbe}. Callers of {@code GET /health} learn only {@code up}; the
 * detail (token, library, what failed) is for the server's log.
 *
 * @param up whether the node can serve requests (its HSM, audit trail and metadata database)
 * @param detail a short description for the log (never a secret); may be empty
 */
public record HealthStatus(boolean up, String detail) {
  public HealthStatus {
    detail = detail == null ? "" : detail;
  }

  public static HealthStatus up(String detail) {
    return new HealthStatus(true, detail);
  }

  public static HealthStatus down(String detail) {
    return new HealthStatus(false, detail);
  }
}
