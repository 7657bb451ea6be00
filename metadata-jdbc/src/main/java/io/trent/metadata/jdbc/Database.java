package io.trent.metadata.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import io.trent.core.error.KmsInternalException;
import io.trent.core.spi.MetadataUnavailableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The connection pool and the transactions the store runs on it, on H2 or PostgreSQL.
 *
 * <p>Every wait is bounded ({@link StoreSettings}): a connection within the connection timeout (a
 * database that is down or unreachable fails then), a statement within the statement timeout (the
 * database cancels it; on PostgreSQL the socket read timeout ends it too when the server itself hangs).
 * A failure of that kind is {@link MetadataUnavailableException}, retryable; anything else the database
 * refuses is a {@link KmsInternalException}. HikariCP discards the connections such failures broke and
 * opens new ones once the database is back, so the store recovers by itself.
 */
final class Database implements AutoCloseable {
  /**
   * H2's own SNAPSHOT level ({@code org.h2.engine.Constants.TRANSACTION_SNAPSHOT}): one snapshot of
   * every table from the transaction's first statement. H2's REPEATABLE READ snapshots only the
   * tables of that statement and those linked to them by foreign keys; a later statement on any
   * other table sees commits made in between.
   */
  private static final int H2_SNAPSHOT = 6;
  private static final String POSTGRES_PREFIX = "jdbc:postgresql:";
  /**
   * SQL states of a database that is away or busy rather than of a refused statement: connection
   * exceptions (class 08), PostgreSQL's operator intervention (57P01 admin shutdown, 57P02 crash
   * shutdown, 57P03 cannot connect now, 57014 statement cancelled by the timeout), too many
   * connections (53300), serialization failure and deadlock (40001, 40P01), H2's lock timeout (HYT00).
   */
  private static final Set<String> UNAVAILABLE_STATES =
      Set.of("57P01", "57P02", "57P03", "57014", "53300", "40001", "40P01", "HYT00");

  private final HikariDataSource pool;
  private final boolean h2;

  private Database(HikariDataSource pool, boolean h2) {
    this.pool = pool;
    this.h2 = h2;
  }

  /** Opens the pool; fails (unavailable) if the first connection cannot be made in time. */
  static Database open(String jdbcUrl, String user, String password, StoreSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("trent-metadata");
    config.setJdbcUrl(jdbcUrl);
    // Empty means "none here": the URL may name the user (jdbc:postgresql://host/db?user=trent).
    config.setUsername(user == null || user.isEmpty() ? null : user);
    config.setPassword(password == null || password.isEmpty() ? null : password);
    config.setMaximumPoolSize(settings.poolSize());
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    config.setConnectionTimeout(settings.connectionTimeout().toMillis());
    config.setValidationTimeout(Math.min(settings.connectionTimeout().toMillis(), 5_000));
    long statementMillis = settings.statementTimeout().toMillis();
    if (jdbcUrl.startsWith(POSTGRES_PREFIX)) {
      config.setConnectionInitSql("SET statement_timeout = " + statementMillis);
      int connectSeconds = ceilSeconds(settings.connectionTimeout().toMillis());
      config.addDataSourceProperty("connectTimeout", connectSeconds);
      config.addDataSourceProperty("loginTimeout", connectSeconds);
      // A server that stops answering (hung, or the network gone) cannot cancel a statement itself.
      config.addDataSourceProperty("socketTimeout", ceilSeconds(statementMillis) + connectSeconds);
      config.addDataSourceProperty("tcpKeepAlive", true);
      config.addDataSourceProperty("ApplicationName", "trent");
    } else if (jdbcUrl.startsWith("jdbc:h2:")) {
      config.setConnectionInitSql("SET QUERY_TIMEOUT " + statementMillis);
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new MetadataUnavailableException("The metadata database is unavailable: " + e.getMessage(), e);
    }
    try {
      return new Database(pool, isH2(pool));
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  boolean postgres() {
    return !h2;
  }

  /**
   * A connection outside the pool, for a session that lives long (LISTEN): the pool's URL, credentials and
   * driver properties, with reads bounded by {@code socketTimeoutSeconds}.
   */
  Connection connectDirectly(int socketTimeoutSeconds) throws SQLException {
    Properties properties = new Properties();
    // Stored as given (numbers too); the driver reads only string properties.
    pool.getDataSourceProperties().forEach((name, value) -> properties.setProperty(name.toString(), value.toString()));
    if (pool.getUsername() != null) {
      properties.setProperty("user", pool.getUsername());
    }
    if (pool.getPassword() != null) {
      properties.setProperty("password", pool.getPassword());
    }
    properties.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
    properties.setProperty("ApplicationName", "trent-changes");
    return DriverManager.getConnection(pool.getJdbcUrl(), properties);
  }

  /**
   * Sends, on PostgreSQL, the NOTIFY that tells every node's {@link ChangeFeed} what this transaction changed;
   * PostgreSQL delivers it when (and only if) the transaction commits. H2 is one process's: nothing to tell.
   */
  void notify(Connection connection, Change change) throws SQLException {
    if (!h2) {
      Sql.query(connection, "SELECT pg_notify(?, ?)", resultSet -> null, ChangeFeed.CHANNEL, change.payload());
    }
  }

  DataSource dataSource() {
    return pool;
  }

  /** Reports the pool's use (connections active, idle, pending; acquire and usage times) to {@code tracker}. */
  void trackPool(MetricsTrackerFactory tracker) {
    pool.setMetricsTrackerFactory(tracker);
  }

  /**
   * Reads in one snapshot across every query, so a concurrent update is never half seen. PostgreSQL's
   * REPEATABLE READ is a snapshot; H2's only covers tables linked by foreign keys (see H2_SNAPSHOT).
   */
  <T> T read(Sql.SqlWork<T> work) {
    return transaction(h2 ? H2_SNAPSHOT : Connection.TRANSACTION_REPEATABLE_READ, false, work);
  }

  /**
   * Writes in one transaction, durable when this returns. On H2 every write ends with
   * {@code CHECKPOINT SYNC}: H2 otherwise writes a commit to its file up to a second later and never
   * fsyncs it. PostgreSQL's commit is durable itself.
   */
  <T> T write(Sql.SqlWork<T> work) {
    return transaction(Connection.TRANSACTION_READ_COMMITTED, true, work);
  }

  private <T> T transaction(int isolation, boolean durable, Sql.SqlWork<T> work) {
    try (Connection connection = pool.getConnection()) {
      connection.setTransactionIsolation(isolation);
      connection.setAutoCommit(false);
      T result;
      try {
        result = work.run(connection);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        rollback(connection, e);
        throw e;
      }
      if (durable && h2) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("CHECKPOINT SYNC");
        }
      }
      return result;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The store's exception for a failed statement or connection. */
  static RuntimeException failure(SQLException e) {
    if (unavailable(e)) {
      // The SQL state says what happened; the driver's message may quote a statement's values.
      return new MetadataUnavailableException("The metadata database is unavailable (SQL state "
          + e.getSQLState() + ")", e);
    }
    return new KmsInternalException("Metadata store failure", e);
  }

  static boolean unavailable(SQLException e) {
    for (SQLException next = e; next != null; next = next.getNextException()) {
      if (next instanceof SQLTransientException || next instanceof SQLRecoverableException) {
        return true;
      }
      String state = next.getSQLState();
      if (state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state))) {
        return true;
      }
    }
    return false;
  }

  private static void rollback(Connection connection, Exception failure) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  private static boolean isH2(HikariDataSource pool) {
    try (Connection connection = pool.getConnection()) {
      return "H2".equals(connection.getMetaData().getDatabaseProductName());
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static int ceilSeconds(long millis) {
    return (int) Math.max(1, (millis + 999) / 1000);
  }

  @Override
  public void close() {
    pool.close();
  }
}
