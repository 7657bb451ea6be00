package io.trent.metadata.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.trent.core.error.KmsInternalException;
import io.trent.core.key.Alias;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyState;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import io.trent.core.key.Tag;
import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.Page;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.flywaydb.core.Flyway;

/**
 * A {@link MetadataStore} in a relational database reached through JDBC: by default an embedded H2
 * file database. Flyway migrates the schema, whose SQL also runs on PostgreSQL.
 *
 * <p>Connections come from a small HikariCP pool, so reads run in parallel and concurrent writers
 * only wait on the rows they share. Instants keep microsecond precision. On H2 every write ends with
 * {@code CHECKPOINT SYNC}: H2 otherwise writes a commit to its file up to a second later and never
 * fsyncs it, which would break the SPI's promise that a returned write is durable.
 */
public final class JdbcMetadataStore implements MetadataStore {
  private static final int POOL_SIZE = 4;
  private static final String EMBEDDED_USER = "trent";
  private static final String UNIQUE_VIOLATION = "23505";

  private static final String KEY_COLUMNS = "k.seq, k.key_id, k.created_at, k.description, k.key_spec,"
      + " k.key_usage, k.origin, k.key_state, k.deletion_date, k.pending_window_days";
  private static final String INSERT_KEY = "INSERT INTO keys (key_id, created_at, description, key_spec,"
      + " key_usage, origin, key_state, deletion_date, pending_window_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String UPDATE_KEY = "UPDATE keys SET description = ?, key_state = ?,"
      + " deletion_date = ?, pending_window_days = ? WHERE key_id = ?";
  private static final String SELECT_KEY = "SELECT " + KEY_COLUMNS + " FROM keys k WHERE k.key_id = ?";
  private static final String SELECT_KEYS_AFTER = "SELECT " + KEY_COLUMNS
      + " FROM keys k WHERE k.seq > ? ORDER BY k.seq FETCH FIRST ? ROWS ONLY";

  private static final String INSERT_MATERIAL = "INSERT INTO key_materials (key_id, ordinal, material_id,"
      + " created_at, is_current) VALUES (?, ?, ?, ?, ?)";
  private static final String DELETE_MATERIALS = "DELETE FROM key_materials WHERE key_id = ?";
  private static final String SELECT_MATERIALS = "SELECT m.key_id, m.material_id, m.created_at, m.is_current"
      + " FROM key_materials m JOIN keys k ON k.key_id = m.key_id WHERE k.seq BETWEEN ? AND ?"
      + " ORDER BY m.key_id, m.ordinal";

  private static final String INSERT_TAG =
      "INSERT INTO key_tags (key_id, ordinal, tag_key, tag_value) VALUES (?, ?, ?, ?)";
  private static final String DELETE_TAGS = "DELETE FROM key_tags WHERE key_id = ?";
  private static final String SELECT_TAGS = "SELECT t.key_id, t.tag_key, t.tag_value"
      + " FROM key_tags t JOIN keys k ON k.key_id = t.key_id WHERE k.seq BETWEEN ? AND ?"
      + " ORDER BY t.key_id, t.ordinal";

  private static final String ALIAS_COLUMNS = "alias_name, target_key_id, created_at, last_updated_at";
  private static final String INSERT_ALIAS = "INSERT INTO aliases (" + ALIAS_COLUMNS + ") VALUES (?, ?, ?, ?)";
  private static final String UPDATE_ALIAS =
      "UPDATE aliases SET target_key_id = ?, last_updated_at = ? WHERE alias_name = ?";
  private static final String DELETE_ALIAS = "DELETE FROM aliases WHERE alias_name = ?";
  private static final String SELECT_ALIAS = "SELECT " + ALIAS_COLUMNS + " FROM aliases WHERE alias_name = ?";
  private static final String SELECT_ALIASES_AFTER = "SELECT " + ALIAS_COLUMNS
      + " FROM aliases WHERE alias_name > ? ORDER BY alias_name FETCH FIRST ? ROWS ONLY";
  private static final String SELECT_KEY_ALIASES_AFTER = "SELECT " + ALIAS_COLUMNS
      + " FROM aliases WHERE target_key_id = ? AND alias_name > ? ORDER BY alias_name FETCH FIRST ? ROWS ONLY";

  private final HikariDataSource dataSource;
  private final boolean syncsCommits;

  private JdbcMetadataStore(HikariDataSource dataSource, boolean syncsCommits) {
    this.dataSource = dataSource;
    this.syncsCommits = syncsCommits;
  }

  /** Opens (creating if needed) the database and applies Flyway migrations. */
  public static JdbcMetadataStore open(String jdbcUrl, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("trent-metadata");
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(POOL_SIZE);
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    HikariDataSource dataSource = new HikariDataSource(config);
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .load()
          .migrate();
      JdbcMetadataStore store = new JdbcMetadataStore(dataSource, isH2(dataSource));
      // Makes the migration durable, and fails now rather than on the first write if the user may not sync.
      store.write(connection -> null);
      return store;
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  /**
   * The default embedded, durable, file-backed store: H2 at {@code <dataDir>/metadata/trent}
   * ({@code jdbc:h2:file:...}, user {@code trent}, empty password; the file's permissions guard it).
   */
  public static JdbcMetadataStore openEmbedded(Path dataDir) {
    Path database = dataDir.toAbsolutePath().resolve("metadata").resolve("trent");
    return open("jdbc:h2:file:" + database, EMBEDDED_USER, "");
  }

  @Override
  public void insertKey(KmsKey key) {
    Objects.requireNonNull(key, "key");
    write(connection -> {
      update(connection, INSERT_KEY, key.keyId(), key.createdAt(), key.description(), key.keySpec(),
          key.keyUsage(), key.origin(), key.state(), key.deletionDate(), key.pendingWindowDays());
      insertMaterialsAndTags(connection, key);
      return null;
    });
  }

  /**
   * Replaces the description, state, deletion date, pending window, materials and tags; the key id,
   * creation time, spec, usage and origin never change.
   *
   * @throws IllegalStateException when no key with that id is stored
   */
  @Override
  public void updateKey(KmsKey key) {
    Objects.requireNonNull(key, "key");
    write(connection -> {
      // Updating the key row first locks it, so concurrent updates of one key apply one after the other.
      int updated = update(connection, UPDATE_KEY, key.description(), key.state(), key.deletionDate(),
          key.pendingWindowDays(), key.keyId());
      if (updated == 0) {
        throw new IllegalStateException("No stored key " + key.keyId());
      }
      update(connection, DELETE_MATERIALS, key.keyId());
      update(connection, DELETE_TAGS, key.keyId());
      insertMaterialsAndTags(connection, key);
      return null;
    });
  }

  @Override
  public Optional<KmsKey> findKey(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    return read(connection -> {
      List<KeyRow> rows = query(connection, SELECT_KEY, KeyRow::read, keyId);
      return withMaterialsAndTags(connection, rows).stream().findFirst();
    });
  }

  @Override
  public Page<KmsKey> listKeys(int limit, String marker) {
    requirePositive(limit);
    long afterSeq = marker == null ? 0 : MarkerCodec.keySeq(marker);
    return read(connection -> {
      List<KeyRow> rows = query(connection, SELECT_KEYS_AFTER, KeyRow::read, afterSeq, limit + 1L);
      Page<KeyRow> page = page(rows, limit, row -> MarkerCodec.afterKey(row.seq()));
      return new Page<>(withMaterialsAndTags(connection, page.items()), page.nextMarker());
    });
  }

  /**
   * Stores a new alias; its target key must already be stored (a foreign key checks it).
   *
   * @return false when an alias of that name already exists
   */
  @Override
  public boolean insertAlias(Alias alias) {
    Objects.requireNonNull(alias, "alias");
    return write(connection -> {
      try {
        update(connection, INSERT_ALIAS, alias.name(), alias.targetKeyId(), alias.createdAt(),
            alias.lastUpdatedAt());
        return true;
      } catch (SQLException e) {
        // The primary key decides, so two concurrent inserts of one name cannot both succeed.
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          return false;
        }
        throw e;
      }
    });
  }

  @Override
  public boolean updateAlias(Alias alias) {
    Objects.requireNonNull(alias, "alias");
    return write(connection -> update(connection, UPDATE_ALIAS, alias.targetKeyId(), alias.lastUpdatedAt(),
        alias.name()) > 0);
  }

  @Override
  public boolean deleteAlias(String aliasName) {
    Objects.requireNonNull(aliasName, "aliasName");
    return write(connection -> update(connection, DELETE_ALIAS, aliasName) > 0);
  }

  @Override
  public Optional<Alias> findAlias(String aliasName) {
    Objects.requireNonNull(aliasName, "aliasName");
    return read(connection -> query(connection, SELECT_ALIAS, JdbcMetadataStore::alias, aliasName)
        .stream().findFirst());
  }

  @Override
  public Page<Alias> listAliases(String targetKeyId, int limit, String marker) {
    requirePositive(limit);
    // Every alias name is longer than "", so "" starts the listing at the first name.
    String afterName = marker == null ? "" : MarkerCodec.aliasName(marker);
    return read(connection -> {
      List<Alias> rows = targetKeyId == null
          ? query(connection, SELECT_ALIASES_AFTER, JdbcMetadataStore::alias, afterName, limit + 1L)
          : query(connection, SELECT_KEY_ALIASES_AFTER, JdbcMetadataStore::alias, targetKeyId, afterName,
              limit + 1L);
      return page(rows, limit, alias -> MarkerCodec.afterAlias(alias.name()));
    });
  }

  @Override
  public void close() {
    dataSource.close();
  }

  private <T> T read(SqlWork<T> work) {
    // One snapshot across the key, material and tag queries, so a concurrent update is never half seen.
    return transaction(Connection.TRANSACTION_REPEATABLE_READ, false, work);
  }

  private <T> T write(SqlWork<T> work) {
    return transaction(Connection.TRANSACTION_READ_COMMITTED, true, work);
  }

  private <T> T transaction(int isolation, boolean durable, SqlWork<T> work) {
    try (Connection connection = dataSource.getConnection()) {
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
      if (durable && syncsCommits) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("CHECKPOINT SYNC");
        }
      }
      return result;
    } catch (SQLException e) {
      throw new KmsInternalException("Metadata store failure", e);
    }
  }

  private static void rollback(Connection connection, Exception failure) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  private static boolean isH2(HikariDataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      return "H2".equals(connection.getMetaData().getDatabaseProductName());
    } catch (SQLException e) {
      throw new KmsInternalException("Metadata store failure", e);
    }
  }

  private static void insertMaterialsAndTags(Connection connection, KmsKey key) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(INSERT_MATERIAL)) {
      int ordinal = 0;
      for (KeyMaterial material : key.materials()) {
        bind(statement, key.keyId(), ordinal++, material.id().toHex(), material.createdAt(), material.current());
        statement.addBatch();
      }
      statement.executeBatch();
    }
    try (PreparedStatement statement = connection.prepareStatement(INSERT_TAG)) {
      int ordinal = 0;
      for (Tag tag : key.tags()) {
        bind(statement, key.keyId(), ordinal++, tag.key(), tag.value());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** Completes key rows, which are in creation order, with their materials and tags. */
  private static List<KmsKey> withMaterialsAndTags(Connection connection, List<KeyRow> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return List.of();
    }
    long firstSeq = rows.get(0).seq();
    long lastSeq = rows.get(rows.size() - 1).seq();
    Map<String, List<KeyMaterial>> materials = new HashMap<>();
    for (Owned<KeyMaterial> material : query(connection, SELECT_MATERIALS, JdbcMetadataStore::material,
        firstSeq, lastSeq)) {
      materials.computeIfAbsent(material.keyId(), id -> new ArrayList<>()).add(material.value());
    }
    Map<String, List<Tag>> tags = new HashMap<>();
    for (Owned<Tag> tag : query(connection, SELECT_TAGS, JdbcMetadataStore::tag, firstSeq, lastSeq)) {
      tags.computeIfAbsent(tag.keyId(), id -> new ArrayList<>()).add(tag.value());
    }
    return rows.stream()
        .map(row -> row.toKey(materials.getOrDefault(row.keyId(), List.of()),
            tags.getOrDefault(row.keyId(), List.of())))
        .toList();
  }

  /** Looks one row past the limit, so an exactly full last page carries no marker. */
  private static <T> Page<T> page(List<T> rows, int limit, Function<T, String> markerAfter) {
    if (rows.size() <= limit) {
      return new Page<>(rows, null);
    }
    List<T> items = rows.subList(0, limit);
    return new Page<>(items, markerAfter.apply(items.get(limit - 1)));
  }

  private static void requirePositive(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
  }

  private static <T> List<T> query(Connection connection, String sql, RowReader<T> reader, Object... params)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
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

  private static int update(Connection connection, String sql, Object... params) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, params);
      return statement.executeUpdate();
    }
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

  private static Instant instant(ResultSet resultSet, String column) throws SQLException {
    OffsetDateTime value = resultSet.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static Alias alias(ResultSet resultSet) throws SQLException {
    return new Alias(resultSet.getString("alias_name"), resultSet.getString("target_key_id"),
        instant(resultSet, "created_at"), instant(resultSet, "last_updated_at"));
  }

  private static Owned<KeyMaterial> material(ResultSet resultSet) throws SQLException {
    return new Owned<>(resultSet.getString("key_id"), new KeyMaterial(
        KeyMaterialId.fromHex(resultSet.getString("material_id")), instant(resultSet, "created_at"),
        resultSet.getBoolean("is_current")));
  }

  private static Owned<Tag> tag(ResultSet resultSet) throws SQLException {
    return new Owned<>(resultSet.getString("key_id"),
        new Tag(resultSet.getString("tag_key"), resultSet.getString("tag_value")));
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  @FunctionalInterface
  private interface RowReader<T> {
    T read(ResultSet resultSet) throws SQLException;
  }

  /** A material or tag row with the id of the key it belongs to. */
  private record Owned<T>(String keyId, T value) {}

  /** A keys row: a key without its materials and tags, plus its creation sequence number. */
  private record KeyRow(long seq, String keyId, Instant createdAt, String description, KeySpec keySpec,
      KeyUsage keyUsage, Origin origin, KeyState state, Instant deletionDate, Integer pendingWindowDays) {

    static KeyRow read(ResultSet resultSet) throws SQLException {
      return new KeyRow(
          resultSet.getLong("seq"),
          resultSet.getString("key_id"),
          instant(resultSet, "created_at"),
          resultSet.getString("description"),
          KeySpec.valueOf(resultSet.getString("key_spec")),
          KeyUsage.valueOf(resultSet.getString("key_usage")),
          Origin.valueOf(resultSet.getString("origin")),
          KeyState.valueOf(resultSet.getString("key_state")),
          instant(resultSet, "deletion_date"),
          resultSet.getObject("pending_window_days", Integer.class));
    }

    KmsKey toKey(List<KeyMaterial> materials, List<Tag> tags) {
      return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, state, deletionDate,
          pendingWindowDays, materials, tags);
    }
  }
}
