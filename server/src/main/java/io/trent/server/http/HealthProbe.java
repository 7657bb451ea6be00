package io.trent.server.http;

/** Checks the HSM for {@code GET /health}; may block, so it runs on an HSM worker thread. */
@FunctionalInterface
public interface HealthProbe {
  HealthStatus check();
}
