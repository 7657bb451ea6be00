package io.trent.server.audit;

import java.time.Instant;

/**
 * An event's time as CloudTrail writes it: whole seconds in UTC, e.g. {@code 2026-12-03T20:34:29Z}. The text
 * of the current second is kept, since every event of that second shares it and {@code Instant.toString} was a
 * visible cost per request in a profile (docs/benchmark.md).
 *
 * @param epochSecond the second
 * @param text its ISO-8601 text
 */
record EventSecond(long epochSecond, String text) {
  private static volatile EventSecond last = of(0);

  private static EventSecond of(long epochSecond) {
    return new EventSecond(epochSecond, Instant.ofEpochSecond(epochSecond).toString());
  }

  /** The instant, truncated to its second, as ISO-8601 text. */
  static String text(Instant instant) {
    long second = instant.getEpochSecond();
    EventSecond current = last;
    if (current.epochSecond() != second) {
      current = of(second); // a race only computes the same text twice
      last = current;
    }
    return current.text();
  }
}
