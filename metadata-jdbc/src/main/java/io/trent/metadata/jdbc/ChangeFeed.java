package io.trent.metadata.jdbc;

import io.trent.core.spi.ChangeListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Tells listeners the changes that every node commits to a PostgreSQL database: each write transaction of the
 * store sends a NOTIFY on {@link #CHANNEL} naming what it changed ({@link Change}), which PostgreSQL delivers at
 * commit; one connection of its own, outside the pool, LISTENs on a thread of its own.
 *
 * <p>A listening connection that breaks says so at once; one lost silently (a network gone, a hung server) is
 * found by a ping (an empty query) every {@link #PING} that must answer within {@link #PING_TIMEOUT_SECONDS}. Either way
 * the listeners are told {@link ChangeListener#interrupted()} (changes may go untold), and once the connection is
 * back and listening, {@link ChangeListener#resumed()}.
 */
final class ChangeFeed implements AutoCloseable {
  static final String CHANNEL = "trent_changes";
  /** How often the listening connection proves it is alive. */
  static final Duration PING = Duration.ofSeconds(1);
  /** How long a ping (or a read of notifications) may wait for the server before the connection counts as lost. */
  static final int PING_TIMEOUT_SECONDS = 2;
  private static final System.Logger LOG = System.getLogger(ChangeFeed.class.getName());

  private final Database database;
  private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  /** Whether the feed listens (the listeners were last told {@code resumed}, or nothing: caches start empty). */
  private boolean listening;
  private Connection connection;

  private ChangeFeed(Database database) {
    this.database = database;
    this.thread = new Thread(this::run, "trent-metadata-changes");
    this.thread.setDaemon(true);
  }

  /** Connects and listens before it returns, when it can, so that nothing committed from then on goes untold. */
  static ChangeFeed start(Database database) {
    ChangeFeed feed = new ChangeFeed(database);
    try {
      feed.connect();
      feed.resume();
    } catch (SQLException | RuntimeException e) {
      feed.lost(e);
    }
    feed.thread.start();
    return feed;
  }

  /** Adds a listener; told {@code interrupted} at once while the feed is not listening. */
  synchronized void add(ChangeListener listener) {
    listeners.add(listener);
    if (!listening) {
      listener.interrupted();
    }
  }

  void remove(ChangeListener listener) {
    listeners.remove(listener);
  }

  private void run() {
    long lastPing = System.nanoTime();
    while (running) {
      try {
        if (connection == null) {
          connect();
          lastPing = System.nanoTime();
          resume();
          LOG.log(System.Logger.Level.INFO, "Listening for metadata changes again; caches were dropped");
        }
        PGNotification[] notifications = connection.unwrap(PGConnection.class)
            .getNotifications((int) PING.toMillis());
        if (notifications != null) {
          for (PGNotification notification : notifications) {
            Change.parse(notification.getParameter()).tell(listeners);
          }
        }
        if (System.nanoTime() - lastPing >= PING.toNanos()) {
          ping();
          lastPing = System.nanoTime();
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        lost(e);
        pause();
      }
    }
  }

  private void connect() throws SQLException {
    Connection opened = database.connectDirectly(PING_TIMEOUT_SECONDS);
    try (Statement statement = opened.createStatement()) {
      opened.setAutoCommit(true);
      statement.execute("LISTEN " + CHANNEL);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(opened);
      throw e;
    }
    connection = opened;
  }

  /** An empty query under a network timeout (a statement timeout would wait for a cancel the server never reads). */
  private void ping() throws SQLException {
    if (!connection.isValid(PING_TIMEOUT_SECONDS)) {
      throw new SQLException("no answer to a ping within " + PING_TIMEOUT_SECONDS + " s", "08006");
    }
  }

  /** Listening again: whatever was cached before may be stale. */
  private synchronized void resume() {
    listening = true;
    tell(ChangeListener::resumed);
  }

  /** The connection is gone: until it is back, nothing may be served from a cache. */
  private synchronized void lost(Exception cause) {
    closeQuietly(connection);
    connection = null;
    if (listening) {
      listening = false;
      tell(ChangeListener::interrupted);
      LOG.log(System.Logger.Level.WARNING, "Lost the connection that listens for metadata changes ("
          + cause + "); caches are off until it is back");
    }
  }

  private void pause() {
    try {
      Thread.sleep(PING.toMillis()); // between reconnection attempts; close() interrupts it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private void tell(Consumer<ChangeListener> call) {
    for (ChangeListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "A metadata change listener failed", e);
      }
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // already broken
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(connection);
  }
}
