package io.trent.server.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Which of a run of like server faults is logged at WARN: the first of each kind in a window, then one per window
 * with the number of others. While the HSM or the database is away every request fails the same way, and a WARN
 * line with a stack trace per request would bury the log (and the disk) at thousands of requests a second; the
 * others go to DEBUG, each still under its request id.
 */
final class RepeatedFaults {
  static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  RepeatedFaults(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** The last WARN of a kind, and the faults of that kind not logged at WARN since. */
  private static final class Window {
    final AtomicLong warnedAt;
    final AtomicLong quiet = new AtomicLong();

    Window(long now) {
      warnedAt = new AtomicLong(now - WINDOW_NANOS);
    }
  }

  /**
   * Counts a fault of {@code kind}.
   *
   * @return -1 when it should be logged at DEBUG only; otherwise it is the one to log at WARN, and the number of
   *     faults of its kind that were not since the last WARN
   */
  long admit(String kind) {
    long now = nanoClock.getAsLong();
    Window window = windows.computeIfAbsent(kind, k -> new Window(now));
    long last = window.warnedAt.get();
    if (now - last >= WINDOW_NANOS && window.warnedAt.compareAndSet(last, now)) {
      return window.quiet.getAndSet(0);
    }
    window.quiet.incrementAndGet();
    return -1;
  }
}
