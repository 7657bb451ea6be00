package io.trent.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.pkcs11.SessionPoolStatistics;
import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {

  /** Fixed figures: what a pool view reports, nothing more. */
  private static final class FixedPool implements SessionPoolStatistics {
    @Override
    public int size() {
      return 4;
    }

    @Override
    public int inUse() {
      return 3;
    }

    @Override
    public int idle() {
      return 1;
    }

    @Override
    public int waiting() {
      return 2;
    }

    @Override
    public long borrows() {
      return 10;
    }

    @Override
    public long borrowWaitNanos() {
      return TimeUnit.MILLISECONDS.toNanos(500);
    }

    @Override
    public long borrowTimeouts() {
      return 1;
    }
  }

  @Test
  void theSessionPoolIsStillReadAfterAGarbageCollection() {
    try (ServerMetrics metrics = new ServerMetrics(operation -> true)) {
      // The backend hands out a fresh view each time: nothing else holds it.
      metrics.watchSessionPool(new FixedPool());
      WeakReference<Object> canary = new WeakReference<>(new Object());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (canary.get() != null && System.nanoTime() < deadline) {
        System.gc();
      }
      assertThat(canary.get()).as("a full collection ran").isNull();

      String scrape = metrics.scrape();

      assertThat(scrape).contains("trent_hsm_sessions_max 4.0", "trent_hsm_sessions{state=\"in_use\"} 3.0",
          "trent_hsm_sessions{state=\"idle\"} 1.0", "trent_hsm_sessions_waiting 2.0",
          "trent_hsm_session_borrow_seconds_count 10", "trent_hsm_session_borrow_seconds_sum 0.5",
          "trent_hsm_session_borrow_timeouts_total 1.0");
    }
  }
}
