package io.trent.server;

import io.trent.core.service.MaintenanceService;
import io.trent.server.audit.InternalEventTrail;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's scheduled work: scheduled deletion, imported material expiry and automatic rotation, run every
 * {@code kms.maintenanceIntervalMillis} on a thread of its own, each run's deletions, expiries and rotations
 * recorded in the audit trail. Of several nodes, each key's work is done by the one that claims it
 * ({@link MaintenanceService}).
 */
final class MaintenanceSchedule implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MaintenanceSchedule.class);

  private final MaintenanceService maintenance;
  private final InternalEventTrail events;
  private final Duration interval;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "trent-maintenance");
    t.setDaemon(true);
    return t;
  });

  MaintenanceSchedule(MaintenanceService maintenance, InternalEventTrail events, Duration interval) {
    this.maintenance = maintenance;
    this.events = events;
    this.interval = interval;
    thread.scheduleWithFixedDelay(this::runQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs what is due now, as the schedule does. */
  MaintenanceService.Report runNow() {
    MaintenanceService.Report report = maintenance.runDue(events);
    log(report);
    return report;
  }

  private void runQuietly() {
    try {
      runNow();
    } catch (RuntimeException e) {
      log.warn("Scheduled maintenance failed; it runs again in {}", interval, e);
    }
  }

  /** One line for a run that did anything. */
  static void log(MaintenanceService.Report report) {
    if (report.keysDestroyed() + report.keysRotated() + report.materialsExpired() + report.importTokensExpired()
        + report.failures() > 0) {
      log.info("Maintenance: {} key(s) destroyed, {} rotated, {} imported material(s) expired, {} import token(s) "
          + "expired, {} failure(s)", report.keysDestroyed(), report.keysRotated(), report.materialsExpired(),
          report.importTokensExpired(), report.failures());
    }
  }

  /** Stops the schedule and waits for a run in progress (up to 30 s), so nothing runs after the trail closes. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
