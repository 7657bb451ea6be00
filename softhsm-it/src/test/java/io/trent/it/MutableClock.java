package io.trent.it;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The shared server's clock: the real time plus an offset that only grows. It starts at the real
 * now and keeps ticking; {@link #advance} travels forward (scheduled deletion, rotation, expiry)
 * without sleeping. Never goes back, so every date the server has stored stays in its past.
 */
public final class MutableClock extends Clock {
  private final AtomicReference<Duration> offset;
  private final ZoneId zone;

  public MutableClock() {
    this(new AtomicReference<>(Duration.ZERO), ZoneOffset.UTC);
  }

  private MutableClock(AtomicReference<Duration> offset, ZoneId zone) {
    this.offset = offset;
    this.zone = zone;
  }

  /** Moves the clock forward by {@code amount} (must be positive). */
  public void advance(Duration amount) {
    if (amount.isNegative() || amount.isZero()) {
      throw new IllegalArgumentException("the clock only moves forward: " + amount);
    }
    offset.accumulateAndGet(amount, Duration::plus);
  }

  /** How far ahead of the real time the clock is. */
  public Duration offset() {
    return offset.get();
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view in another zone that shares this clock's offset. */
  @Override
  public Clock withZone(ZoneId newZone) {
    return newZone.equals(zone) ? this : new MutableClock(offset, newZone);
  }
}
