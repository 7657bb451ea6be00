package io.trent.server.quota;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket of {@code capacity} tokens refilled at {@code rate} per second, kept as one number (the generic
 * cell rate algorithm): the time at which the bucket would be full again. A take moves that time one interval
 * on; it is refused when that would put it more than the bucket's capacity ahead of now. One compare-and-set per
 * request and no lock, since the symmetric quota's bucket is taken by every data key request.
 */
final class TokenBucket {
  private final long intervalNanos;
  private final long toleranceNanos;
  private final LongSupplier nanoTime;
  // When the bucket holds `capacity` tokens again; starts full.
  private final AtomicLong fullAt;

  /**
   * @param rate tokens added per second (may be below 1: 0.25 is one every 4 s)
   * @param capacity the most tokens held: a burst that may be taken at once
   * @param nanoTime the clock, {@code System::nanoTime} outside tests
   */
  TokenBucket(double rate, int capacity, LongSupplier nanoTime) {
    if (!(rate > 0) || capacity < 1) {
      throw new IllegalArgumentException("rate and capacity must be positive");
    }
    this.intervalNanos = Math.max(1, Math.round(1e9 / rate));
    this.toleranceNanos = Math.multiplyExact(intervalNanos, (long) capacity);
    this.nanoTime = nanoTime;
    this.fullAt = new AtomicLong(nanoTime.getAsLong());
  }

  /** Takes one token if there is one. */
  boolean tryTake() {
    long now = nanoTime.getAsLong();
    while (true) {
      long full = fullAt.get();
      long next = Math.max(full, now) + intervalNanos;
      if (next - now > toleranceNanos) {
        return false;
      }
      if (fullAt.compareAndSet(full, next)) {
        return true;
      }
    }
  }
}
