package io.trent.server.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trent.audit.AuditSyncListener;
import java.util.concurrent.TimeUnit;

/**
 * The audit trail's group commits: {@code trent.audit.sync} (how long each round's sync took; every response in
 * the round waited for it) and {@code trent.audit.sync.records} (how many events one sync covered).
 */
final class AuditSyncMeters implements AuditSyncListener {
  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  private final Timer sync;
  private final DistributionSummary records;

  AuditSyncMeters(MeterRegistry registry) {
    this.sync = Timer.builder("trent.audit.sync")
        .description("Audit trail group commits: the sync that makes a round of events durable")
        .serviceLevelObjectives(LatencyBuckets.BOUNDARIES)
        .register(registry);
    this.records = DistributionSummary.builder("trent.audit.sync.records")
        .description("Audit events made durable by one sync")
        .serviceLevelObjectives(BATCH_BUCKETS)
        .register(registry);
  }

  @Override
  public void synced(int count, long nanos) {
    sync.record(nanos, TimeUnit.NANOSECONDS);
    records.record(count);
  }
}
