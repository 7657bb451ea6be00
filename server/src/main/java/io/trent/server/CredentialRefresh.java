package io.trent.server;

import io.trent.core.spi.ChangeListener;
import io.trent.core.spi.MetadataStore;
import io.trent.server.auth.CredentialCache;
import io.trent.server.auth.PolicyAuthorizer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node's access keys and identity policies current with the store, so that {@code trent principal add}
 * and {@code remove} (another process, or another node) are honoured within 5 seconds without a restart (issue 8):
 * re-read every second, and at once when the store tells of a principal change (PostgreSQL's notifications).
 */
final class CredentialRefresh implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CredentialRefresh.class);
  private static final long REFRESH_MILLIS = 1000;

  private final CredentialCache credentials;
  private final PolicyAuthorizer authorizer;
  // Not the maintenance thread: a long maintenance run would delay the refresh behind it.
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "trent-credentials");
    t.setDaemon(true);
    return t;
  });

  CredentialRefresh(CredentialCache credentials, PolicyAuthorizer authorizer, MetadataStore store) {
    this.credentials = credentials;
    this.authorizer = authorizer;
    thread.scheduleWithFixedDelay(this::refreshQuietly, REFRESH_MILLIS, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
    store.changes(new ChangeListener() {
      @Override
      public void principalsChanged() {
        if (!thread.isShutdown()) {
          thread.execute(CredentialRefresh.this::refreshQuietly);
        }
      }
    });
  }

  private void refreshQuietly() {
    try {
      credentials.refresh();
      authorizer.refresh();
    } catch (RuntimeException e) {
      log.warn("Refreshing the access keys failed; the previous ones stay in use: {}", e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
