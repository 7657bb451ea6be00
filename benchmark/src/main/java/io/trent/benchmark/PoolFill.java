package io.trent.benchmark;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * The level of one spec's GenerateDataKeyPair key pair pool in the server under test, read from the gauge the
 * server registers for it ({@code trent.keypair.pool.level{spec}}, the figure {@code GET /metrics} shows), and a
 * bounded wait until it is full: a measurement that starts while the pool is still filling (SoftHSM2 makes a few
 * RSA_2048 pairs a second) says nothing about the pool.
 */
final class PoolFill {

  static final String GAUGE = "trent.keypair.pool.level";
  private static final long POLL_MILLIS = 50;
  private static final long PROGRESS_MILLIS = 5000;

  private PoolFill() {}

  /** The pool's level now, or empty when the server runs no pool for the spec (not configured, or left out). */
  static OptionalInt level(MeterRegistry meters, String spec) {
    Gauge gauge = meters.find(GAUGE).tag("spec", spec).gauge();
    if (gauge == null) {
      return OptionalInt.empty();
    }
    return OptionalInt.of((int) gauge.value());
  }

  /**
   * Polls the level until it reaches {@code size}, printing progress on stderr; fails when {@code timeout} passes
   * first. Returns how long it waited.
   */
  static Duration awaitFull(MeterRegistry meters, String spec, int size, Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    long nextProgress = start + PROGRESS_MILLIS * 1_000_000;
    int first = level(meters, spec).orElseThrow(() -> new IllegalStateException("No " + GAUGE + " gauge for " + spec));
    int level = first;
    if (level < size) {
      BenchmarkMain.log("waiting for the %s key pair pool to fill: %d/%d (at most %d s, --pool-wait-seconds)", spec,
          level, size, timeout.toSeconds());
    }
    while (level < size) {
      long now = System.nanoTime();
      if (now - deadline >= 0) {
        throw new IllegalStateException(String.format(java.util.Locale.ROOT,
            "The %s key pair pool reached %d of %d pairs in %d s: the HSM generates too slowly for this pool size;"
                + " raise --pool-wait-seconds or lower the pool size", spec, level, size, timeout.toSeconds()));
      }
      if (now - nextProgress >= 0) {
        double seconds = (now - start) / 1e9;
        BenchmarkMain.log("  %s pool %d/%d after %.0f s (%.1f pairs/s)", spec, level, size, seconds,
            (level - first) / seconds);
        nextProgress = now + PROGRESS_MILLIS * 1_000_000;
      }
      Thread.sleep(POLL_MILLIS); // a polling interval under a deadline, not a synchronisation
      level = level(meters, spec).orElseThrow(() -> new IllegalStateException("The " + spec + " pool's gauge went away"));
    }
    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    if (first < size) {
      BenchmarkMain.log("  %s pool full (%d) after %.1f s", spec, size, waited.toMillis() / 1000.0);
    }
    return waited;
  }
}
