package io.trent.metadata.jdbc;

import io.trent.core.grant.GrantConstraints;
import io.trent.core.grant.GrantOperation;
import io.trent.core.grant.KmsGrant;
import io.trent.core.spi.Page;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SQL of grants ({@code grants}, {@code grant_constraints}; V9), run inside JdbcMetadataStore's transactions. */
final class GrantRows {
  private static final String EQUALS = "EQUALS";
  private static final String SUBSET = "SUBSET";
  private static final String COLUMNS = "g.seq, g.key_id, g.grant_id, g.name, g.created_at, g.grantee_principal,"
      + " g.retiring_principal, g.issuing_account, g.operations";
  private static final String INSERT = "INSERT INTO grants (key_id, grant_id, name, created_at, grantee_principal,"
      + " retiring_principal, issuing_account, operations) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_CONSTRAINT = "INSERT INTO grant_constraints (key_id, grant_id, ordinal, kind,"
      + " context_key, context_value) VALUES (?, ?, ?, ?, ?, ?)";
  private static final String COUNT = "SELECT COUNT(*) FROM grants WHERE key_id = ?";
  private static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM grants g WHERE g.key_id = ? AND g.grant_id = ?";
  // The optional filters are written so one statement serves every combination: (? IS NULL OR column = ?).
  private static final String SELECT_OF_KEY = "SELECT " + COLUMNS + " FROM grants g WHERE g.key_id = ?"
      + " AND (CAST(? AS VARCHAR(128)) IS NULL OR g.grant_id = ?)"
      + " AND (CAST(? AS VARCHAR(256)) IS NULL OR g.grantee_principal = ?)"
      + " AND g.seq > ? ORDER BY g.seq FETCH FIRST ? ROWS ONLY";
  private static final String SELECT_RETIRABLE = "SELECT " + COLUMNS + " FROM grants g"
      + " WHERE g.retiring_principal = ? AND g.seq > ? ORDER BY g.seq FETCH FIRST ? ROWS ONLY";
  private static final String SELECT_CONSTRAINTS = "SELECT kind, context_key, context_value FROM grant_constraints"
      + " WHERE key_id = ? AND grant_id = ? ORDER BY ordinal";
  private static final String SELECT_KEY_CONSTRAINTS = "SELECT grant_id, kind, context_key, context_value"
      + " FROM grant_constraints WHERE key_id = ? ORDER BY grant_id, ordinal";
  private static final String DELETE_CONSTRAINTS = "DELETE FROM grant_constraints WHERE key_id = ? AND grant_id = ?";
  private static final String DELETE = "DELETE FROM grants WHERE key_id = ? AND grant_id = ?";
  private static final String DELETE_KEY_CONSTRAINTS = "DELETE FROM grant_constraints WHERE key_id = ?";
  private static final String DELETE_OF_KEY = "DELETE FROM grants WHERE key_id = ?";

  private GrantRows() {}

  /** A grant with its creation sequence number, which paging markers carry. */
  record Row(long seq, KmsGrant grant) {}

  static int count(Connection connection, String keyId) throws SQLException {
    return Sql.query(connection, COUNT, rs -> rs.getInt(1), keyId).get(0);
  }

  static void insert(Connection connection, KmsGrant g) throws SQLException {
    Sql.update(connection, INSERT, g.keyId(), g.grantId(), g.name(), g.createdAt(), g.granteePrincipal(),
        g.retiringPrincipal(), g.issuingAccount(), String.join(",", g.operations().stream().map(Enum::name).toList()));
    List<Object[]> rows = new ArrayList<>();
    for (Map.Entry<String, String> e : g.constraints().encryptionContextEquals().entrySet()) {
      rows.add(new Object[] {g.keyId(), g.grantId(), rows.size(), EQUALS, e.getKey(), e.getValue()});
    }
    for (Map.Entry<String, String> e : g.constraints().encryptionContextSubset().entrySet()) {
      rows.add(new Object[] {g.keyId(), g.grantId(), rows.size(), SUBSET, e.getKey(), e.getValue()});
    }
    Sql.batch(connection, INSERT_CONSTRAINT, rows);
  }

  static Optional<KmsGrant> find(Connection connection, String keyId, String grantId) throws SQLException {
    return withConstraints(connection, Sql.query(connection, SELECT_ONE, GrantRows::row, keyId, grantId))
        .stream().map(Row::grant).findFirst();
  }

  static List<Row> ofKey(Connection connection, String keyId, String grantId, String grantee, long afterSeq,
      long rows) throws SQLException {
    return withKeyConstraints(connection, keyId, Sql.query(connection, SELECT_OF_KEY, GrantRows::row,
        keyId, grantId, grantId, grantee, grantee, afterSeq, rows));
  }

  static List<Row> retirable(Connection connection, String retiringPrincipal, long afterSeq, long rows)
      throws SQLException {
    return withConstraints(connection, Sql.query(connection, SELECT_RETIRABLE, GrantRows::row,
        retiringPrincipal, afterSeq, rows));
  }

  static boolean delete(Connection connection, String keyId, String grantId) throws SQLException {
    Sql.update(connection, DELETE_CONSTRAINTS, keyId, grantId);
    return Sql.update(connection, DELETE, keyId, grantId) > 0;
  }

  static void deleteOfKey(Connection connection, String keyId) throws SQLException {
    Sql.update(connection, DELETE_KEY_CONSTRAINTS, keyId);
    Sql.update(connection, DELETE_OF_KEY, keyId);
  }

  static Page<KmsGrant> page(List<Row> rows, int limit) {
    Page<Row> page = JdbcMetadataStore.page(rows, limit, row -> MarkerCodec.afterGrant(row.seq()));
    return new Page<>(page.items().stream().map(Row::grant).toList(), page.nextMarker());
  }

  /** Adds the constraints, read with one query per grant (a page or one grant). */
  private static List<Row> withConstraints(Connection connection, List<Row> rows) throws SQLException {
    Map<String, List<String[]>> pairs = new HashMap<>();
    for (Row row : rows) {
      pairs.put(row.grant().grantId(), Sql.query(connection, SELECT_CONSTRAINTS, GrantRows::pair,
          row.grant().keyId(), row.grant().grantId()));
    }
    return withPairs(rows, pairs);
  }

  /** Adds the constraints of grants of one key, read with one query for the whole key (the grant cache's load). */
  private static List<Row> withKeyConstraints(Connection connection, String keyId, List<Row> rows)
      throws SQLException {
    Map<String, List<String[]>> pairs = new HashMap<>();
    for (String[] p : Sql.query(connection, SELECT_KEY_CONSTRAINTS,
        rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)}, keyId)) {
      pairs.computeIfAbsent(p[0], id -> new ArrayList<>()).add(new String[] {p[1], p[2], p[3]});
    }
    return withPairs(rows, pairs);
  }

  private static String[] pair(ResultSet rs) throws SQLException {
    return new String[] {rs.getString(1), rs.getString(2), rs.getString(3)};
  }

  private static List<Row> withPairs(List<Row> rows, Map<String, List<String[]>> pairs) {
    List<Row> complete = new ArrayList<>(rows.size());
    for (Row row : rows) {
      List<String[]> of = pairs.getOrDefault(row.grant().grantId(), List.of());
      if (of.isEmpty()) {
        complete.add(row);
        continue;
      }
      Map<String, String> equals = new LinkedHashMap<>();
      Map<String, String> subset = new LinkedHashMap<>();
      for (String[] p : of) {
        (EQUALS.equals(p[0]) ? equals : subset).put(p[1], p[2]);
      }
      KmsGrant g = row.grant();
      complete.add(new Row(row.seq(), new KmsGrant(g.keyId(), g.grantId(), g.name(), g.createdAt(),
          g.granteePrincipal(), g.retiringPrincipal(), g.issuingAccount(), g.operations(),
          new GrantConstraints(equals, subset))));
    }
    return complete;
  }

  private static Row row(ResultSet rs) throws SQLException {
    List<GrantOperation> operations = Arrays.stream(rs.getString("operations").split(","))
        .map(GrantOperation::valueOf).toList();
    return new Row(rs.getLong("seq"), new KmsGrant(rs.getString("key_id"), rs.getString("grant_id"),
        rs.getString("name"), JdbcMetadataStore.instant(rs, "created_at"), rs.getString("grantee_principal"),
        rs.getString("retiring_principal"), rs.getString("issuing_account"), operations, GrantConstraints.NONE));
  }
}
