package io.trent.metadata.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Running one statement on a connection, binding Java values the same way on H2 and PostgreSQL. */
final class Sql {
  private Sql() {}

  /** Work done in one transaction. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Reads one row. */
  @FunctionalInterface
  interface RowReader<T> {
    T read(ResultSet resultSet) throws SQLException;
  }

  static <T> List<T> query(Connection connection, String sql, RowReader<T> reader, Object... params)
      throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql)) {
      bind(statement, params);
      try (ResultSet resultSet = statement.executeQuery()) {
        List<T> rows = new ArrayList<>();
        while (resultSet.next()) {
          rows.add(reader.read(resultSet));
        }
        return rows;
      }
    }
  }

  static int update(Connection connection, String sql, Object... params) throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql)) {
      bind(statement, params);
      return statement.executeUpdate();
    }
  }

  static void batch(Connection connection, String sql, List<Object[]> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = prepare(connection, sql)) {
      for (Object[] row : rows) {
        bind(statement, row);
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  private static PreparedStatement prepare(Connection connection, String sql) throws SQLException {
    return connection.prepareStatement(sql);
  }

  private static void bind(PreparedStatement statement, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object param = params[i];
      if (param instanceof Instant instant) {
        // Truncating here, not rounding in the database, keeps H2 and PostgreSQL in agreement.
        param = instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
      } else if (param instanceof Enum<?> constant) {
        param = constant.name();
      }
      statement.setObject(i + 1, param);
    }
  }
}
