package io.trent.pkcs11;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Something the token can or cannot do, found out by trying it (a probe) and then kept. A probe
 * that fails (the token faulted, rather than refused) leaves the capability unknown, and it is
 * probed again on a later use or health check, with back-off: at first after a second, doubling up
 * to five minutes. So a fault at start-up does not turn a capability off until the next restart.
 *
 * @param <T> what the probe finds out
 */
final class ProbedCapability<T> {

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(ProbedCapability.class);

  private final String name;
  private final Supplier<T> probe;
  private final LongSupplier nanoClock;
  private final ReentrantLock probing = new ReentrantLock();
  private volatile T value;
  // Guarded by probing.
  private boolean failed;
  private long backoffNanos = FIRST_BACKOFF.toNanos();
  private long nextAttemptNanos;

  /**
   * @param probe finds the capability out; throws (any RuntimeException) when a fault kept it from
   *     telling
   */
  ProbedCapability(String name, Supplier<T> probe, LongSupplier nanoClock) {
    this.name = name;
    this.probe = probe;
    this.nanoClock = nanoClock;
  }

  /**
   * The capability, probing first if it was never probed or the last probe failed and its back-off
   * has passed. Does not wait for a probe another thread is running.
   *
   * @return null while the capability is unknown
   */
  T get() {
    T known = value;
    return known != null ? known : probeIfDue();
  }

  /** Probes again when the last probe failed and its back-off has passed (for the health check). */
  void retryIfFailed() {
    if (value == null && probing.tryLock()) {
      try {
        if (failed) {
          probeIfDueLocked();
        }
      } finally {
        probing.unlock();
      }
    }
  }

  private T probeIfDue() {
    if (!probing.tryLock()) {
      return value;
    }
    try {
      return probeIfDueLocked();
    } finally {
      probing.unlock();
    }
  }

  private T probeIfDueLocked() {
    if (value != null || (failed && nanoClock.getAsLong() - nextAttemptNanos < 0)) {
      return value;
    }
    try {
      T found = probe.get();
      if (failed) {
        LOG.info("Probing {} succeeded after an earlier failure.", name);
      }
      value = found;
      failed = false;
      return found;
    } catch (RuntimeException e) {
      LOG.warn("Probing {} failed ({}); probing again in {} ms at the earliest.", name, e.toString(),
          Duration.ofNanos(backoffNanos).toMillis());
      failed = true;
      nextAttemptNanos = nanoClock.getAsLong() + backoffNanos;
      backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF.toNanos());
      return null;
    }
  }
}
