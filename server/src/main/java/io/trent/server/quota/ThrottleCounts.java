package io.trent.server.quota;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts throttled requests as {@code trent.throttled{operation, reason}}: the reason is {@value #QUEUE} when the
 * HSM worker queue was full, or the name of the request quota that ran out (e.g.
 * {@code CryptographicOperationsSymmetric}, {@code GenerateDataKeyPair.RSA_2048}, {@code CreateKey}).
 */
public final class ThrottleCounts {
  /** The reason of a request refused because the HSM worker queue was full (by count or by bytes). */
  public static final String QUEUE = "queue";
  static final String METER = "trent.throttled";
  private final MeterRegistry registry;

  public ThrottleCounts(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts one throttled request. */
  public void throttled(String operation, String reason) {
    // The registry keeps one counter per tag set, so this finds the existing one.
    Counter.builder(METER).description("Requests answered with ThrottlingException")
        .tag("operation", operation).tag("reason", reason).register(registry).increment();
  }

  /** How many requests were throttled so far for the operation and reason (for tests). */
  public long count(String operation, String reason) {
    Counter counter = registry.find(METER).tag("operation", operation).tag("reason", reason).counter();
    return counter == null ? 0 : (long) counter.count();
  }
}
