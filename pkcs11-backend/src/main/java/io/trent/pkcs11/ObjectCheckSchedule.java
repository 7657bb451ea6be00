package io.trent.pkcs11;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The background thread that checks the token objects behind every cached handle (see
 * {@link CheckedHandles}) twice per object check interval, so that requests rarely find a check too
 * old and have to do it themselves.
 */
final class ObjectCheckSchedule implements AutoCloseable {

  /** At most this often, whatever the interval: the check reads an attribute per cached key. */
  private static final long MIN_PERIOD_MILLIS = 50;

  private final ScheduledExecutorService thread;

  ObjectCheckSchedule(Duration interval, Runnable check) {
    this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread daemon = new Thread(runnable, "trent-pkcs11-object-check");
      daemon.setDaemon(true);
      return daemon;
    });
    long period = Math.max(MIN_PERIOD_MILLIS, interval.toMillis() / 2);
    thread.scheduleWithFixedDelay(check, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
