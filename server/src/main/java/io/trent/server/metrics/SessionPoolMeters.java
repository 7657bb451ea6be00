package io.trent.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.trent.pkcs11.SessionPoolStatistics;
import java.util.concurrent.TimeUnit;

/**
 * The PKCS#11 session pool, read when scraped: sessions in use, idle and at most; borrowers waiting now; the
 * borrows, their total wait, and the borrows that timed out. A pool whose {@code in_use} stays at its {@code max}
 * with waiters is the HSM's bottleneck (raise {@code pkcs11.sessionPoolSize} if the HSM has sessions to spare).
 */
final class SessionPoolMeters implements MeterBinder {
  private final SessionPoolStatistics pool;

  SessionPoolMeters(SessionPoolStatistics pool) {
    this.pool = pool;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("trent.hsm.sessions", pool, SessionPoolStatistics::inUse)
        .description("HSM sessions borrowed now").tag("state", "in_use").register(registry);
    Gauge.builder("trent.hsm.sessions", pool, SessionPoolStatistics::idle)
        .description("HSM sessions borrowed now").tag("state", "idle").register(registry);
    Gauge.builder("trent.hsm.sessions.max", pool, SessionPoolStatistics::size)
        .description("The most HSM sessions the pool opens (pkcs11.sessionPoolSize)").register(registry);
    Gauge.builder("trent.hsm.sessions.waiting", pool, SessionPoolStatistics::waiting)
        .description("Threads waiting for an HSM session now").register(registry);
    FunctionTimer.builder("trent.hsm.session.borrow", pool, SessionPoolStatistics::borrows,
            SessionPoolStatistics::borrowWaitNanos, TimeUnit.NANOSECONDS)
        .description("HSM session borrows and the time spent waiting for them").register(registry);
    FunctionCounter.builder("trent.hsm.session.borrow.timeouts", pool, SessionPoolStatistics::borrowTimeouts)
        .description("Borrows that found no session within pkcs11.borrowTimeoutMillis").register(registry);
  }
}
