package io.trent.metadata.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * A JDBC driver for {@code jdbc:pausing:<H2 URL>} that delegates to H2 and, once armed, runs an
 * action right after a query or update whose SQL matches has executed (before the transaction
 * commits): a test's way to commit a concurrent write between two statements of one store
 * transaction, or to start one that must wait for the row locks this transaction holds.
 */
final class PausingDriver implements Driver {
  static final String PREFIX = "jdbc:pausing:";
  private static final AtomicReference<Pause> ARMED = new AtomicReference<>();

  private record Pause(Predicate<String> afterQuery, Runnable action) {}

  static {
    try {
      DriverManager.registerDriver(new PausingDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Runs {@code action} once, after the next query or update whose SQL matches {@code afterQuery}. */
  static void arm(Predicate<String> afterQuery, Runnable action) {
    ARMED.set(new Pause(afterQuery, action));
  }

  static boolean armed() {
    return ARMED.get() != null;
  }

  static String url(String delegateUrl) {
    return PREFIX + delegateUrl;
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    Connection connection = DriverManager.getConnection(url.substring(PREFIX.length()), info);
    return proxy(Connection.class, connection, (method, args, result) -> {
      if (method.getName().equals("prepareStatement") && args.length >= 1 && args[0] instanceof String sql) {
        return proxy(PreparedStatement.class, (PreparedStatement) result, (inner, innerArgs, innerResult) -> {
          if (inner.getName().equals("executeQuery") || inner.getName().equals("executeUpdate")) {
            Pause pause = ARMED.get();
            if (pause != null && pause.afterQuery().test(sql) && ARMED.compareAndSet(pause, null)) {
              pause.action().run();
            }
          }
          return innerResult;
        });
      }
      return result;
    });
  }

  @FunctionalInterface
  private interface After {
    Object apply(Method method, Object[] args, Object result) throws Throwable;
  }

  private static <T> T proxy(Class<T> type, T delegate, After after) {
    InvocationHandler handler = (proxy, method, args) -> {
      Object[] actual = args == null ? new Object[0] : args;
      Object result;
      try {
        result = method.invoke(delegate, actual);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      return after.apply(method, actual, result);
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[0];
  }

  @Override
  public int getMajorVersion() {
    return 1;
  }

  @Override
  public int getMinorVersion() {
    return 0;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }
}
