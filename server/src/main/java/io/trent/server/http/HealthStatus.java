package io.trent.server.http;

/**
 * The answer to {@code GET /health}.
 *
 * @param up whether the HSM can serve requests
 * @param hsm a short description of the token when up (never a secret); empty when down
 */
public record HealthStatus(boolean up, String hsm) {
  public HealthStatus {
    hsm = hsm == null ? "" : hsm;
  }

  public static HealthStatus up(String hsm) {
    return new HealthStatus(true, hsm);
  }

  public static HealthStatus down() {
    return new HealthStatus(false, "");
  }
}
