package io.trent.server.http;

/**
 * Checks the HSM, the audit trail and the metadata database for {@code GET /health}; may block (within their
 * bounds), so it runs on an HSM worker thread.
 */
@FunctionalInterface
public interface HealthProbe {
  HealthStatus check();
}
