package io.trent.metadata.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.trent.core.key.KmsKey;
import io.trent.core.spi.ChangeListener;
import io.trent.core.testing.SampleKeys;
import io.trent.metadata.jdbc.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The listening connection lost, loudly (its backend terminated) or silently (the server frozen): the listeners are
 * told {@code interrupted} within the ping bound, then {@code resumed} once it listens again, and changes are told
 * again. Its own cluster, since it freezes it.
 */
class ChangeFeedTest {
  private static final StoreSettings QUICK = new StoreSettings(2, Duration.ofSeconds(1), Duration.ofSeconds(2));
  /** The documented bound (a ping every second answered within two) plus room for a loaded machine. */
  private static final Duration SILENT_LOSS_BOUND = ChangeFeed.PING.plusSeconds(ChangeFeed.PING_TIMEOUT_SECONDS)
      .plusSeconds(3);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static PostgresServer postgres;

  @BeforeAll
  static void start() {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stop() {
    postgres.close();
  }

  @Test
  void aTerminatedListeningConnectionIsToldAndChangesAreToldAgainOnceItIsBack() throws Exception {
    String url = postgres.newDatabase();
    Recorder told = new Recorder();
    try (JdbcMetadataStore store = JdbcMetadataStore.open(url, "", "", QUICK);
        JdbcMetadataStore peer = JdbcMetadataStore.open(url, "", "", QUICK);
        AutoCloseable handle = store.changes(told)) {
      KmsKey key = SampleKeys.key("k");
      peer.insertKey(key);
      peer.updateKey(key.withDescription("one"));
      assertThat(told.next(PATIENCE)).isEqualTo("key k");

      try (Connection admin = DriverManager.getConnection(url); Statement statement = admin.createStatement()) {
        statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
            + "'trent-changes'");
      }
      assertThat(told.next(PATIENCE)).isEqualTo("interrupted");
      assertThat(told.next(PATIENCE)).isEqualTo("resumed");

      peer.updateKey(key.withDescription("two"));
      assertThat(told.next(PATIENCE)).isEqualTo("key k");
    }
  }

  @Test
  void aServerThatStopsAnsweringInterruptsWithinThePingBound() throws Exception {
    String url = postgres.newDatabase();
    Recorder told = new Recorder();
    try (JdbcMetadataStore store = JdbcMetadataStore.open(url, "", "", QUICK);
        AutoCloseable handle = store.changes(told)) {
      long frozenAt = System.nanoTime();
      postgres.freeze();
      try {
        assertThat(told.next(PATIENCE)).isEqualTo("interrupted");
        assertThat(Duration.ofNanos(System.nanoTime() - frozenAt)).isLessThan(SILENT_LOSS_BOUND);
      } finally {
        postgres.thaw();
      }
      assertThat(told.next(PATIENCE)).isEqualTo("resumed");
      assertThat(told.calls).isEmpty();
    }
  }

  /** Records each call as one line. */
  private static final class Recorder implements ChangeListener {
    final BlockingQueue<String> calls = new LinkedBlockingQueue<>();

    String next(Duration patience) throws InterruptedException {
      return calls.poll(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void keyChanged(String keyId) {
      calls.add("key " + keyId);
    }

    @Override
    public void interrupted() {
      calls.add("interrupted");
    }

    @Override
    public void resumed() {
      calls.add("resumed");
    }
  }
}
