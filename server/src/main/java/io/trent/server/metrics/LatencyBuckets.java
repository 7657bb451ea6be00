package io.trent.server.metrics;

import java.time.Duration;

/**
 * The histogram buckets of every latency Trent publishes: from 100 µs (an AES-GCM call in a fast HSM) to 10 s (the
 * slowest RSA key pair generation), roughly three per decade, so {@code histogram_quantile} gives a usable p99 from
 * 16 series per timer rather than Micrometer's ~70 percentile buckets.
 */
final class LatencyBuckets {
  static final Duration[] BOUNDARIES = {
      Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
      Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private LatencyBuckets() {}
}
