package io.trent.metadata.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Direct SQL on the embedded database of a data directory, to see rows the store's API does not show. */
final class Tables {
  private Tables() {}

  static String url(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("metadata").resolve("trent");
  }

  /** How many rows of {@code table} belong to the key (its key_id, or target_key_id for aliases). */
  static long rowsOfKey(Path dataDir, String table, String keyId) {
    String column = table.equals("aliases") ? "target_key_id" : "key_id";
    try (Connection connection = DriverManager.getConnection(url(dataDir), "trent", "");
        PreparedStatement statement = connection.prepareStatement(
            "SELECT COUNT(*) FROM " + table + " WHERE " + column + " = ?")) {
      statement.setString(1, keyId);
      try (ResultSet resultSet = statement.executeQuery()) {
        resultSet.next();
        return resultSet.getLong(1);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
