package io.trent.metadata.jdbc;

import static io.trent.metadata.jdbc.Sql.batch;
import static io.trent.metadata.jdbc.Sql.query;
import static io.trent.metadata.jdbc.Sql.update;

import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import io.trent.core.auth.AccessKey;
import io.trent.core.auth.Principal;
import io.trent.core.auth.PrincipalArn;
import io.trent.core.key.AccountRegion;
import io.trent.core.auth.PrincipalTags;
import io.trent.core.error.KmsInternalException;
import io.trent.core.grant.KmsGrant;
import io.trent.core.key.Alias;
import io.trent.core.key.ExpirationModel;
import io.trent.core.key.ImportToken;
import io.trent.core.key.KeyDestruction;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeySpec;
import io.trent.core.key.KeyState;
import io.trent.core.key.KeyUsage;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import io.trent.core.key.RotationType;
import io.trent.core.key.Tag;
import io.trent.core.key.WrappingAlgorithm;
import io.trent.core.key.WrappingKeySpec;
import io.trent.core.spi.ChangeListener;
import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.Page;
import io.trent.core.spi.SealedBytes;
import io.trent.metadata.jdbc.Sql.SqlWork;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.flywaydb.core.Flyway;

/**
 * A {@link MetadataStore} in a relational database reached through JDBC: by default an embedded H2
 * file database. Flyway migrates the schema, whose SQL also runs on PostgreSQL.
 *
 * <p>Connections come from a small HikariCP pool ({@link Database}), so reads run in parallel and
 * concurrent writers only wait on the rows they share; every wait on the database is bounded
 * ({@link StoreSettings}). Instants keep microsecond precision. The same class serves PostgreSQL
 * ({@code jdbc:postgresql:} URLs, several nodes on one database) with the same migrations.
 */
public final class JdbcMetadataStore implements MetadataStore {
  private static final String EMBEDDED_USER = "trent";
  private static final String UNIQUE_VIOLATION = "23505";

  private static final String KEY_COLUMNS = "k.seq, k.key_id, k.created_at, k.description, k.key_spec,"
      + " k.key_usage, k.origin, k.key_state, k.deletion_date, k.pending_window_days, k.public_key,"
      + " k.rotation_period_days, k.next_rotation_date, k.on_demand_rotations, k.expiration_model, k.valid_to,"
      + " k.import_check, k.imported_encryptions_reserved, k.policy, k.account_id, k.region";
  private static final String INSERT_KEY = "INSERT INTO keys (key_id, created_at, description, key_spec,"
      + " key_usage, origin, key_state, deletion_date, pending_window_days, public_key, rotation_period_days,"
      + " next_rotation_date, on_demand_rotations, expiration_model, valid_to, import_check,"
      + " imported_encryptions_reserved, policy, account_id, region)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String UPDATE_KEY = "UPDATE keys SET description = ?, key_state = ?,"
      + " deletion_date = ?, pending_window_days = ?, rotation_period_days = ?, next_rotation_date = ?,"
      + " on_demand_rotations = ?, expiration_model = ?, valid_to = ?, import_check = ?,"
      + " imported_encryptions_reserved = ?, policy = ? WHERE key_id = ?"
      + " AND destruction_begun_at IS NULL";
  /**
   * Marks a key whose destruction begins; the row lock it takes (or waits for) orders it with any
   * update of the key, and its condition is read again on the row as that update left it.
   * Parameters: the mark time, the key id, the PendingDeletion state, now.
   */
  private static final String BEGIN_DESTRUCTION = "UPDATE keys SET destruction_begun_at ="
      + " COALESCE(destruction_begun_at, ?) WHERE key_id = ? AND key_state = ?"
      + " AND (destruction_begun_at IS NOT NULL OR deletion_date <= ?)";
  private static final String SELECT_KEY = "SELECT " + KEY_COLUMNS + " FROM keys k WHERE k.key_id = ?";
  private static final String SELECT_KEYS_AFTER = "SELECT " + KEY_COLUMNS
      + " FROM keys k WHERE k.seq > ? ORDER BY k.seq FETCH FIRST ? ROWS ONLY";
  private static final String SELECT_HOME_KEYS_AFTER = "SELECT " + KEY_COLUMNS
      + " FROM keys k WHERE k.account_id = ? AND k.region = ? AND k.seq > ? ORDER BY k.seq FETCH FIRST ? ROWS ONLY";
  private static final String LOCK_KEY = "SELECT key_id FROM keys WHERE key_id = ? FOR UPDATE";
  private static final String LOCK_LIVE_KEY = "SELECT key_id FROM keys WHERE key_id = ?"
      + " AND destruction_begun_at IS NULL FOR UPDATE";
  private static final String DELETE_KEY = "DELETE FROM keys WHERE key_id = ?";

  /**
   * Keys with maintenance due: one index range scan per reason (ORs across columns would scan the
   * table). Parameters: the PendingDeletion state, then now three times.
   */
  private static final String KEYS_DUE = "k.key_id IN ("
      + "SELECT key_id FROM keys WHERE key_state = ? AND deletion_date <= ?"
      + " UNION SELECT key_id FROM keys WHERE next_rotation_date <= ?"
      + " UNION SELECT key_id FROM keys WHERE valid_to <= ?)";
  private static final String SELECT_KEYS_DUE = "SELECT " + KEY_COLUMNS + " FROM keys k WHERE " + KEYS_DUE
      + " ORDER BY k.seq";
  private static final String KEYS_IN_SEQ_RANGE = "k.seq BETWEEN ? AND ?";

  private static final String INSERT_MATERIAL = "INSERT INTO key_materials (key_id, ordinal, material_id,"
      + " created_at, is_current, rotation_type, encryptions_reserved) VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String DELETE_MATERIALS = "DELETE FROM key_materials WHERE key_id = ?";
  private static final String SELECT_KEY_MATERIAL_IDS =
      "SELECT material_id FROM key_materials WHERE key_id = ? ORDER BY ordinal";
  /** Followed by a condition on the keys k whose materials to read. */
  private static final String SELECT_MATERIALS_WHERE = "SELECT m.key_id, m.material_id, m.created_at,"
      + " m.is_current, m.rotation_type, m.encryptions_reserved"
      + " FROM key_materials m JOIN keys k ON k.key_id = m.key_id WHERE ";
  private static final String MATERIALS_ORDER = " ORDER BY m.key_id, m.ordinal";

  private static final String INSERT_TAG =
      "INSERT INTO key_tags (key_id, ordinal, tag_key, tag_value) VALUES (?, ?, ?, ?)";
  private static final String DELETE_TAGS = "DELETE FROM key_tags WHERE key_id = ?";
  /** Followed by a condition on the keys k whose tags to read. */
  private static final String SELECT_TAGS_WHERE = "SELECT t.key_id, t.tag_key, t.tag_value"
      + " FROM key_tags t JOIN keys k ON k.key_id = t.key_id WHERE ";
  private static final String TAGS_ORDER = " ORDER BY t.key_id, t.ordinal";

  private static final String ALIAS_COLUMNS =
      "account_id, region, alias_name, target_key_id, created_at, last_updated_at";
  private static final String INSERT_ALIAS = "INSERT INTO aliases (" + ALIAS_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)";
  private static final String ALIAS_IS = " WHERE account_id = ? AND region = ? AND alias_name = ?";
  private static final String UPDATE_ALIAS = "UPDATE aliases SET target_key_id = ?, last_updated_at = ?" + ALIAS_IS;
  private static final String DELETE_ALIAS = "DELETE FROM aliases" + ALIAS_IS;
  private static final String SELECT_ALIAS = "SELECT " + ALIAS_COLUMNS + " FROM aliases" + ALIAS_IS;
  private static final String SELECT_ALIASES_AFTER = "SELECT " + ALIAS_COLUMNS + " FROM aliases"
      + " WHERE account_id = ? AND region = ? AND alias_name > ? ORDER BY alias_name FETCH FIRST ? ROWS ONLY";
  private static final String SELECT_KEY_ALIASES_AFTER = "SELECT " + ALIAS_COLUMNS + " FROM aliases"
      + " WHERE target_key_id = ? AND account_id = ? AND region = ? AND alias_name > ?"
      + " ORDER BY alias_name FETCH FIRST ? ROWS ONLY";
  private static final String DELETE_KEY_ALIASES = "DELETE FROM aliases WHERE target_key_id = ?";

  private static final String INSERT_DESTRUCTION =
      "INSERT INTO key_destructions (key_id, material_id, destroyed_at, reason) VALUES (?, ?, ?, ?)";
  private static final String SELECT_DESTRUCTIONS = "SELECT key_id, material_id, destroyed_at, reason"
      + " FROM key_destructions WHERE key_id = ? ORDER BY id";
  private static final String KEY_DELETED = "KEY_DELETED";

  private static final String TOKEN_COLUMNS =
      "token_id, key_id, wrapping_key_id, wrapping_algorithm, wrapping_key_spec, valid_to";
  private static final String INSERT_TOKEN = "INSERT INTO import_tokens (" + TOKEN_COLUMNS
      + ") VALUES (?, ?, ?, ?, ?, ?)";
  private static final String SELECT_TOKEN = "SELECT " + TOKEN_COLUMNS + " FROM import_tokens WHERE token_id = ?";
  private static final String DELETE_TOKEN = "DELETE FROM import_tokens WHERE token_id = ?";
  private static final String DELETE_KEY_TOKENS = "DELETE FROM import_tokens WHERE key_id = ?";
  private static final String RETIRE_TOKEN = "UPDATE import_tokens SET retired = TRUE WHERE token_id = ?";
  private static final String INSERT_PRINCIPAL =
      "INSERT INTO principals (arn, account_id, policy, created_at) VALUES (?, ?, ?, ?)";
  private static final String UPDATE_PRINCIPAL_POLICY = "UPDATE principals SET policy = ? WHERE arn = ?";
  private static final String SELECT_PRINCIPAL = "SELECT arn, policy, created_at FROM principals WHERE arn = ?";
  private static final String LOCK_PRINCIPAL = "SELECT arn FROM principals WHERE arn = ? FOR UPDATE";
  private static final String DELETE_PRINCIPAL_KEYS = "DELETE FROM access_keys WHERE principal_arn = ?";
  private static final String DELETE_PRINCIPAL = "DELETE FROM principals WHERE arn = ?";
  private static final String DELETE_PRINCIPAL_TAGS = "DELETE FROM principal_tags WHERE principal_arn = ?";
  private static final String INSERT_PRINCIPAL_TAG =
      "INSERT INTO principal_tags (principal_arn, tag_key, tag_value) VALUES (?, ?, ?)";
  private static final String SELECT_PRINCIPAL_TAGS =
      "SELECT tag_key, tag_value FROM principal_tags WHERE principal_arn = ? ORDER BY tag_key";
  private static final String INSERT_ACCESS_KEY = "INSERT INTO access_keys (access_key_id, principal_arn, secret_iv, "
      + "secret_sealed, session_token_sha256, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String SELECT_ACCESS_KEYS = "SELECT access_key_id, principal_arn, secret_iv, secret_sealed, "
      + "session_token_sha256, expires_at, created_at FROM access_keys ORDER BY created_at, access_key_id";
  private static final String SELECT_EXPIRED_TOKENS = "SELECT " + TOKEN_COLUMNS
      + " FROM import_tokens WHERE valid_to <= ? AND retired = FALSE ORDER BY valid_to, token_id";

  /**
   * The account and region of keys and aliases stored before they had their own (schema V10), when no
   * identity is given: the shipped default identity's.
   */
  public static final AccountRegion DEFAULT_HOME = new AccountRegion("aws", "111122223333", "us-east-1");

  private final Database database;
  /** Told changes from every node, on PostgreSQL, once someone listens. */
  private ChangeFeed feed;
  /** The ARN partition of every key and alias: the server's (rows store their account and region). */
  private final String partition;

  private JdbcMetadataStore(Database database, String partition) {
    this.database = database;
    this.partition = partition;
  }

  /** Opens (creating if needed) the database with the default {@link StoreSettings} and identity, and migrates it. */
  public static JdbcMetadataStore open(String jdbcUrl, String user, String password) {
    return open(jdbcUrl, user, password, StoreSettings.DEFAULTS, DEFAULT_HOME);
  }

  /** As {@link #open(String, String, String, StoreSettings, AccountRegion)} with the default settings. */
  public static JdbcMetadataStore open(String jdbcUrl, String user, String password, AccountRegion home) {
    return open(jdbcUrl, user, password, StoreSettings.DEFAULTS, home);
  }

  /** As {@link #open(String, String, String, StoreSettings, AccountRegion)} with {@link #DEFAULT_HOME}. */
  public static JdbcMetadataStore open(String jdbcUrl, String user, String password, StoreSettings settings) {
    return open(jdbcUrl, user, password, settings, DEFAULT_HOME);
  }

  /**
   * Opens the database (H2 or PostgreSQL) and applies the Flyway migrations.
   *
   * @param home the server's configured identity: its partition is every ARN's, and keys and aliases stored
   *     before schema V10 gave them an account and region belong to its account and region
   * @throws io.trent.core.spi.MetadataUnavailableException when the database cannot be reached in time
   */
  public static JdbcMetadataStore open(String jdbcUrl, String user, String password, StoreSettings settings,
      AccountRegion home) {
    Database database = Database.open(jdbcUrl, user, password, settings);
    try {
      Flyway.configure()
          .dataSource(database.dataSource())
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .placeholders(Map.of("trent_account_id", home.accountId(), "trent_region", home.region()))
          .load()
          .migrate();
      JdbcMetadataStore store = new JdbcMetadataStore(database, home.partition());
      // Makes the migration durable, and fails now rather than on the first write if the user may not sync.
      store.write(connection -> null);
      return store;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /**
   * The default embedded, durable, file-backed store: H2 at {@code <dataDir>/metadata/trent}
   * ({@code jdbc:h2:file:...}, user {@code trent}, empty password; the file's permissions guard it:
   * owner-only, see {@link EmbeddedDatabaseFiles}).
   */
  public static JdbcMetadataStore openEmbedded(Path dataDir) {
    return openEmbedded(dataDir, DEFAULT_HOME);
  }

  /** As {@link #openEmbedded(Path)}, for the server's identity (see {@link #open(String, String, String, AccountRegion)}). */
  public static JdbcMetadataStore openEmbedded(Path dataDir, AccountRegion home) {
    Path database = dataDir.toAbsolutePath().resolve("metadata").resolve("trent");
    EmbeddedDatabaseFiles.prepare(database);
    EmbeddedDatabaseFiles.loopbackOnly();
    JdbcMetadataStore store = open("jdbc:h2:file:" + database + EmbeddedDatabaseFiles.URL_SETTINGS, EMBEDDED_USER, "", home);
    EmbeddedDatabaseFiles.restrictLockFile(database);
    return store;
  }

  @Override
  public void insertKey(KmsKey key) {
    Objects.requireNonNull(key, "key");
    write(connection -> {
      update(connection, INSERT_KEY, key.keyId(), key.createdAt(), key.description(), key.keySpec(),
          key.keyUsage(), key.origin(), key.state(), key.deletionDate(), key.pendingWindowDays(),
          key.publicKey(), key.rotationPeriodDays(), key.nextRotationDate(), key.onDemandRotations(),
          key.expirationModel(), key.validTo(), key.importCheck(), key.importedEncryptionsReserved(), key.policy(),
          key.accountId(), key.arn().region());
      insertMaterialsAndTags(connection, key);
      return null;
    });
  }

  /**
   * Replaces the description, state, deletion date, pending window, rotation period and date,
   * on-demand rotation count, expiration model, valid-to date, import check and the encryption count it
   * keeps for deleted imported material, materials (with their rotation types
   * and reserved encryption counts) and tags; the key id, creation time, spec, usage, origin and
   * public key never change.
   *
   * @return false, changing nothing, when no key with that id is stored or its destruction has begun
   */
  @Override
  public boolean updateKey(KmsKey key) {
    Objects.requireNonNull(key, "key");
    return write(connection -> writeKey(connection, key));
  }

  /** Updating the key row first locks it, so concurrent updates of one key apply one after the other. */
  private boolean writeKey(Connection connection, KmsKey key) throws SQLException {
    int updated = update(connection, UPDATE_KEY, key.description(), key.state(), key.deletionDate(),
        key.pendingWindowDays(), key.rotationPeriodDays(), key.nextRotationDate(), key.onDemandRotations(),
        key.expirationModel(), key.validTo(), key.importCheck(), key.importedEncryptionsReserved(), key.policy(),
        key.keyId());
    if (updated == 0) {
      return false;
    }
    update(connection, DELETE_MATERIALS, key.keyId());
    update(connection, DELETE_TAGS, key.keyId());
    insertMaterialsAndTags(connection, key);
    database.notify(connection, Change.key(key.keyId()));
    return true;
  }

  /**
   * Locks the key's row ({@code SELECT ... FOR UPDATE}, waiting for any other node's change of it to commit), reads
   * the key as committed, applies the change and writes it, in one transaction.
   */
  @Override
  public Optional<KmsKey> updateKey(String keyId, UnaryOperator<KmsKey> change) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(change, "change");
    return write(connection -> {
      if (query(connection, LOCK_LIVE_KEY, resultSet -> resultSet.getString(1), keyId).isEmpty()) {
        return Optional.empty();
      }
      KmsKey current = withMaterialsAndTags(connection, query(connection, SELECT_KEY, KeyRow::read, keyId)).get(0);
      KmsKey updated = change.apply(current);
      if (updated != current && !writeKey(connection, updated)) {
        return Optional.empty(); // its destruction began while this waited for the lock
      }
      return Optional.of(updated);
    });
  }

  /**
   * One conditional UPDATE marks the key: it takes the row lock, so it waits for a concurrent update
   * (a CancelKeyDeletion) to commit and then sees the state that update left; an update that comes
   * after it finds the mark and changes nothing. The key is read back in the same transaction.
   */
  @Override
  public Optional<KmsKey> beginDestruction(String keyId, Instant now) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(now, "now");
    return write(connection -> {
      if (update(connection, BEGIN_DESTRUCTION, now, keyId, KeyState.PendingDeletion, now) == 0) {
        return Optional.empty();
      }
      database.notify(connection, Change.key(keyId));
      List<KeyRow> rows = query(connection, SELECT_KEY, KeyRow::read, keyId);
      return withMaterialsAndTags(connection, rows).stream().findFirst();
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
  public Page<KmsKey> listKeys(AccountRegion home, int limit, String marker) {
    requirePositive(limit);
    long afterSeq = marker == null ? 0 : MarkerCodec.keySeq(marker);
    return read(connection -> {
      List<KeyRow> rows = home == null
          ? query(connection, SELECT_KEYS_AFTER, KeyRow::read, afterSeq, limit + 1L)
          : query(connection, SELECT_HOME_KEYS_AFTER, KeyRow::read, home.accountId(), home.region(), afterSeq,
              limit + 1L);
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
        update(connection, INSERT_ALIAS, alias.home().accountId(), alias.home().region(), alias.name(),
            alias.targetKeyId(), alias.createdAt(), alias.lastUpdatedAt());
        database.notify(connection, Change.alias(alias.arn().value()));
        return true;
      } catch (SQLException e) {
        // The primary key decides, so two concurrent inserts of one name in one account and region cannot
        // both succeed.
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          // On PostgreSQL the failed statement ended the transaction; roll it back here rather than have the
          // commit do it silently (or fail, with the driver's raiseExceptionOnSilentRollback).
          connection.rollback();
          return false;
        }
        throw e;
      }
    });
  }

  @Override
  public boolean updateAlias(Alias alias) {
    Objects.requireNonNull(alias, "alias");
    return write(connection -> notifyIf(connection, update(connection, UPDATE_ALIAS, alias.targetKeyId(),
        alias.lastUpdatedAt(), alias.home().accountId(), alias.home().region(), alias.name()) > 0,
        Change.alias(alias.arn().value())));
  }

  @Override
  public boolean deleteAlias(AccountRegion home, String aliasName) {
    Objects.requireNonNull(aliasName, "aliasName");
    return write(connection -> notifyIf(connection,
        update(connection, DELETE_ALIAS, home.accountId(), home.region(), aliasName) > 0,
        Change.alias(home.aliasArn(aliasName).value())));
  }

  @Override
  public Optional<Alias> findAlias(AccountRegion home, String aliasName) {
    Objects.requireNonNull(aliasName, "aliasName");
    return read(connection -> query(connection, SELECT_ALIAS, this::alias, home.accountId(), home.region(), aliasName)
        .stream().findFirst());
  }

  @Override
  public Page<Alias> listAliases(AccountRegion home, String targetKeyId, int limit, String marker) {
    requirePositive(limit);
    // Every alias name is longer than "", so "" starts the listing at the first name.
    String afterName = marker == null ? "" : MarkerCodec.aliasName(marker);
    return read(connection -> {
      List<Alias> rows = targetKeyId == null
          ? query(connection, SELECT_ALIASES_AFTER, this::alias, home.accountId(), home.region(), afterName,
              limit + 1L)
          : query(connection, SELECT_KEY_ALIASES_AFTER, this::alias, targetKeyId, home.accountId(), home.region(),
              afterName, limit + 1L);
      return page(rows, limit, alias -> MarkerCodec.afterAlias(alias.name()));
    });
  }

  @Override
  public List<KmsKey> findKeysWithMaintenanceDue(Instant now) {
    Objects.requireNonNull(now, "now");
    Object[] params = {KeyState.PendingDeletion, now, now, now};
    return read(connection -> withMaterialsAndTags(connection,
        query(connection, SELECT_KEYS_DUE, KeyRow::read, params), KEYS_DUE, params));
  }

  /**
   * Deletes the key, its materials, tags, aliases and import tokens, recording a KEY_DELETED
   * destruction per material (in material order), in one transaction; an absent key is a no-op.
   */
  @Override
  public void deleteKey(String keyId, Instant destroyedAt) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(destroyedAt, "destroyedAt");
    write(connection -> {
      // Locking the key row first orders this after any update in flight, so every material is recorded.
      if (query(connection, LOCK_KEY, resultSet -> resultSet.getString(1), keyId).isEmpty()) {
        return null;
      }
      List<Object[]> destructions = new ArrayList<>();
      for (String materialId : query(connection, SELECT_KEY_MATERIAL_IDS, resultSet -> resultSet.getString(1),
          keyId)) {
        destructions.add(new Object[] {keyId, materialId, destroyedAt, KEY_DELETED});
      }
      batch(connection, INSERT_DESTRUCTION, destructions);
      update(connection, DELETE_KEY_ALIASES, keyId);
      update(connection, DELETE_KEY_TOKENS, keyId);
      GrantRows.deleteOfKey(connection, keyId);
      update(connection, DELETE_TAGS, keyId);
      update(connection, DELETE_MATERIALS, keyId);
      update(connection, DELETE_KEY, keyId);
      database.notify(connection, Change.key(keyId)); // its aliases and grants went with it
      return null;
    });
  }

  /** Records a destruction; its key need not be stored (records outlive keys). */
  @Override
  public void recordDestruction(KeyDestruction destruction) {
    Objects.requireNonNull(destruction, "destruction");
    write(connection -> update(connection, INSERT_DESTRUCTION, destruction.keyId(),
        destruction.materialId().toHex(), destruction.destroyedAt(), destruction.reason()));
  }

  @Override
  public List<KeyDestruction> listDestructions(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    return read(connection -> query(connection, SELECT_DESTRUCTIONS, JdbcMetadataStore::destruction, keyId));
  }

  /** Stores an import token; its key must be stored (a foreign key checks it) and its id unused. */
  @Override
  public void insertImportToken(ImportToken token) {
    Objects.requireNonNull(token, "token");
    write(connection -> update(connection, INSERT_TOKEN, token.tokenId(), token.keyId(), token.wrappingKeyId(),
        token.wrappingAlgorithm(), token.wrappingKeySpec(), token.validTo()));
  }

  @Override
  public Optional<ImportToken> findImportToken(String tokenId) {
    Objects.requireNonNull(tokenId, "tokenId");
    return read(connection -> query(connection, SELECT_TOKEN, JdbcMetadataStore::importToken, tokenId)
        .stream().findFirst());
  }

  /** Deletes an import token; an absent one is a no-op. */
  @Override
  public void deleteImportToken(String tokenId) {
    Objects.requireNonNull(tokenId, "tokenId");
    write(connection -> update(connection, DELETE_TOKEN, tokenId));
  }

  @Override
  public void retireImportToken(String tokenId) {
    Objects.requireNonNull(tokenId, "tokenId");
    write(connection -> update(connection, RETIRE_TOKEN, tokenId));
  }

  /** Tokens valid until {@code now} or earlier and not retired, soonest expired first. */
  @Override
  public List<ImportToken> findExpiredImportTokens(Instant now) {
    Objects.requireNonNull(now, "now");
    return read(connection -> query(connection, SELECT_EXPIRED_TOKENS, JdbcMetadataStore::importToken, now));
  }

  // --- Orphan sweep and key deletion -----------------------------------------------------------

  private static final String SELECT_KEY_TOKENS = "SELECT " + TOKEN_COLUMNS + " FROM import_tokens WHERE key_id = ?";

  @Override
  public List<ImportToken> findImportTokensOfKey(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    return read(connection -> query(connection, SELECT_KEY_TOKENS, JdbcMetadataStore::importToken, keyId));
  }

  /** Inserts the principal, or locks its row and replaces the policy and the tags when they are given. */
  @Override
  public void putPrincipal(Principal principal) {
    Objects.requireNonNull(principal, "principal");
    write(connection -> {
      String arn = principal.arn().value();
      if (query(connection, LOCK_PRINCIPAL, resultSet -> resultSet.getString(1), arn).isEmpty()) {
        update(connection, INSERT_PRINCIPAL, arn, principal.accountId(), principal.policy(), principal.createdAt());
      } else if (principal.policy() != null) {
        update(connection, UPDATE_PRINCIPAL_POLICY, principal.policy(), arn);
      }
      if (!principal.tags().isEmpty()) {
        update(connection, DELETE_PRINCIPAL_TAGS, arn);
        List<Object[]> rows = new ArrayList<>();
        principal.tags().values().forEach((key, value) -> rows.add(new Object[] {arn, key, value}));
        batch(connection, INSERT_PRINCIPAL_TAG, rows);
      }
      database.notify(connection, Change.principals());
      return null;
    });
  }

  @Override
  public Optional<Principal> findPrincipal(String arn) {
    Objects.requireNonNull(arn, "arn");
    return read(connection -> {
      Optional<Principal> found = query(connection, SELECT_PRINCIPAL, resultSet -> new Principal(
          PrincipalArn.parse(resultSet.getString("arn")), resultSet.getString("policy"),
          instant(resultSet, "created_at")), arn).stream().findFirst();
      if (found.isEmpty()) {
        return found;
      }
      Map<String, String> tags = new LinkedHashMap<>();
      for (Map.Entry<String, String> tag : query(connection, SELECT_PRINCIPAL_TAGS,
          resultSet -> Map.entry(resultSet.getString(1), resultSet.getString(2)), arn)) {
        tags.put(tag.getKey(), tag.getValue());
      }
      Principal p = found.get();
      return Optional.of(new Principal(p.arn(), p.policy(), p.createdAt(), new PrincipalTags(tags)));
    });
  }

  @Override
  public boolean deletePrincipal(String arn) {
    Objects.requireNonNull(arn, "arn");
    return write(connection -> {
      update(connection, DELETE_PRINCIPAL_KEYS, arn);
      update(connection, DELETE_PRINCIPAL_TAGS, arn);
      return notifyIf(connection, update(connection, DELETE_PRINCIPAL, arn) > 0, Change.principals());
    });
  }

  @Override
  public void insertAccessKey(AccessKey key) {
    Objects.requireNonNull(key, "key");
    write(connection -> {
      update(connection, INSERT_ACCESS_KEY, key.accessKeyId(), key.principalArn().value(),
          key.sealedSecret().iv(), key.sealedSecret().ciphertextAndTag(), key.sessionTokenSha256(), key.expiresAt(),
          key.createdAt());
      database.notify(connection, Change.principals());
      return null;
    });
  }

  @Override
  public List<AccessKey> listAccessKeys() {
    return read(connection -> query(connection, SELECT_ACCESS_KEYS, resultSet -> new AccessKey(
        resultSet.getString("access_key_id"), PrincipalArn.parse(resultSet.getString("principal_arn")),
        new SealedBytes(resultSet.getBytes("secret_iv"), resultSet.getBytes("secret_sealed")),
        resultSet.getBytes("session_token_sha256"), instant(resultSet, "expires_at"),
        instant(resultSet, "created_at"))));
  }

  // --- Grants (SQL in GrantRows) ---

  /** Locks the key row first, so the count and the insert are atomic against other inserts of its grants. */
  @Override
  public boolean insertGrant(KmsGrant grant, int maxGrantsPerKey) {
    Objects.requireNonNull(grant, "grant");
    return write(connection -> {
      if (query(connection, LOCK_KEY, resultSet -> resultSet.getString(1), grant.keyId()).isEmpty()) {
        throw new KmsInternalException("Metadata store failure: no key " + grant.keyId());
      }
      if (GrantRows.count(connection, grant.keyId()) >= maxGrantsPerKey) {
        return false;
      }
      GrantRows.insert(connection, grant);
      database.notify(connection, Change.grants(grant.keyId()));
      return true;
    });
  }

  @Override
  public Optional<KmsGrant> findGrant(String keyId, String grantId) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(grantId, "grantId");
    return read(connection -> GrantRows.find(connection, keyId, grantId));
  }

  @Override
  public List<KmsGrant> listGrantsOfKey(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    return read(connection -> GrantRows.ofKey(connection, keyId, null, null, 0, Integer.MAX_VALUE).stream()
        .map(GrantRows.Row::grant).toList());
  }

  @Override
  public Page<KmsGrant> listGrants(String keyId, String grantId, String granteePrincipal, int limit, String marker) {
    Objects.requireNonNull(keyId, "keyId");
    requirePositive(limit);
    long afterSeq = marker == null ? 0 : MarkerCodec.grantSeq(marker);
    return read(connection -> GrantRows.page(
        GrantRows.ofKey(connection, keyId, grantId, granteePrincipal, afterSeq, limit + 1L), limit));
  }

  @Override
  public Page<KmsGrant> listRetirableGrants(String retiringPrincipal, int limit, String marker) {
    Objects.requireNonNull(retiringPrincipal, "retiringPrincipal");
    requirePositive(limit);
    long afterSeq = marker == null ? 0 : MarkerCodec.grantSeq(marker);
    return read(connection -> GrantRows.page(
        GrantRows.retirable(connection, retiringPrincipal, afterSeq, limit + 1L), limit));
  }

  @Override
  public boolean deleteGrant(String keyId, String grantId) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(grantId, "grantId");
    return write(connection -> notifyIf(connection, GrantRows.delete(connection, keyId, grantId),
        Change.grants(keyId)));
  }

  // --- Several nodes ---

  private static final String TAKE_CLAIM = "UPDATE work_claims SET owner = ?, claimed_until = ? WHERE work = ?"
      + " AND (owner = ? OR claimed_until <= ?)";
  private static final String INSERT_CLAIM = "INSERT INTO work_claims (work, owner, claimed_until) VALUES (?, ?, ?)";
  private static final String RELEASE_CLAIM = "DELETE FROM work_claims WHERE work = ? AND owner = ?";

  /**
   * Takes over a claim that is the owner's or has lapsed (the UPDATE's row lock orders two nodes, and the second
   * reads the condition again on the row the first left), else inserts one: of two concurrent inserts the primary
   * key lets one succeed.
   */
  @Override
  public boolean claimWork(String work, String owner, Instant now, Instant until) {
    Objects.requireNonNull(work, "work");
    Objects.requireNonNull(owner, "owner");
    return write(connection -> {
      if (update(connection, TAKE_CLAIM, owner, until, work, owner, now) > 0) {
        return true;
      }
      try {
        update(connection, INSERT_CLAIM, work, owner, until);
        return true;
      } catch (SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          connection.rollback(); // as in insertAlias: PostgreSQL ended the transaction
          return false;
        }
        throw e;
      }
    });
  }

  @Override
  public void releaseWork(String work, String owner) {
    Objects.requireNonNull(work, "work");
    Objects.requireNonNull(owner, "owner");
    write(connection -> update(connection, RELEASE_CLAIM, work, owner));
  }

  /** On PostgreSQL, one feed (a LISTEN connection and its thread) for every listener; on H2, nothing to tell. */
  @Override
  public synchronized AutoCloseable changes(ChangeListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (!database.postgres()) {
      return () -> { };
    }
    if (feed == null) {
      feed = ChangeFeed.start(database);
    }
    ChangeFeed listening = feed;
    listening.add(listener);
    return () -> listening.remove(listener);
  }

  /** Sends the change's notification when the statement changed something; returns whether it did. */
  private boolean notifyIf(Connection connection, boolean changed, Change change) throws SQLException {
    if (changed) {
      database.notify(connection, change);
    }
    return changed;
  }

  /**
   * Reports the connection pool's use (pool {@code trent-metadata}) to {@code tracker}, e.g. HikariCP's
   * {@code MicrometerMetricsTrackerFactory}; once per store.
   *
   * @throws IllegalStateException when a tracker was set already
   */
  public void trackPool(MetricsTrackerFactory tracker) {
    database.trackPool(tracker);
  }

  /** One trivial query in a transaction of its own: a pooled connection that still works, or a new one. */
  @Override
  public void checkAvailable() {
    read(connection -> query(connection, "SELECT 1", resultSet -> resultSet.getInt(1)));
  }

  @Override
  public void close() {
    ChangeFeed listening;
    synchronized (this) {
      listening = feed;
      feed = null;
    }
    if (listening != null) {
      listening.close();
    }
    database.close();
  }

  private <T> T read(SqlWork<T> work) {
    return database.read(work);
  }

  private <T> T write(SqlWork<T> work) {
    return database.write(work);
  }

  private static void insertMaterialsAndTags(Connection connection, KmsKey key) throws SQLException {
    List<Object[]> materials = new ArrayList<>();
    for (KeyMaterial material : key.materials()) {
      materials.add(new Object[] {key.keyId(), materials.size(), material.id().toHex(), material.createdAt(),
          material.current(), material.rotationType(), material.encryptionsReserved()});
    }
    batch(connection, INSERT_MATERIAL, materials);
    List<Object[]> tags = new ArrayList<>();
    for (Tag tag : key.tags()) {
      tags.add(new Object[] {key.keyId(), tags.size(), tag.key(), tag.value()});
    }
    batch(connection, INSERT_TAG, tags);
  }

  /** Completes key rows, which are a run of consecutive keys in creation order, with their materials and tags. */
  private List<KmsKey> withMaterialsAndTags(Connection connection, List<KeyRow> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return List.of();
    }
    return withMaterialsAndTags(connection, rows, KEYS_IN_SEQ_RANGE, rows.get(0).seq(),
        rows.get(rows.size() - 1).seq());
  }

  /**
   * Completes key rows with the materials and tags of the keys k that {@code keyCondition} selects,
   * which must include every key of {@code rows}.
   */
  private List<KmsKey> withMaterialsAndTags(Connection connection, List<KeyRow> rows,
      String keyCondition, Object... params) throws SQLException {
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<String, List<KeyMaterial>> materials = new HashMap<>();
    for (Owned<KeyMaterial> material : query(connection, SELECT_MATERIALS_WHERE + keyCondition + MATERIALS_ORDER,
        JdbcMetadataStore::material, params)) {
      materials.computeIfAbsent(material.keyId(), id -> new ArrayList<>()).add(material.value());
    }
    Map<String, List<Tag>> tags = new HashMap<>();
    for (Owned<Tag> tag : query(connection, SELECT_TAGS_WHERE + keyCondition + TAGS_ORDER, JdbcMetadataStore::tag,
        params)) {
      tags.computeIfAbsent(tag.keyId(), id -> new ArrayList<>()).add(tag.value());
    }
    return rows.stream()
        .map(row -> row.toKey(partition, materials.getOrDefault(row.keyId(), List.of()),
            tags.getOrDefault(row.keyId(), List.of())))
        .toList();
  }

  /** Looks one row past the limit, so an exactly full last page carries no marker. */
  static <T> Page<T> page(List<T> rows, int limit, Function<T, String> markerAfter) {
    if (rows.size() <= limit) {
      return new Page<>(rows, null);
    }
    List<T> items = rows.subList(0, limit);
    return new Page<>(items, markerAfter.apply(items.get(limit - 1)));
  }

  static void requirePositive(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
  }

  static Instant instant(ResultSet resultSet, String column) throws SQLException {
    OffsetDateTime value = resultSet.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private Alias alias(ResultSet resultSet) throws SQLException {
    return new Alias(new AccountRegion(partition, resultSet.getString("account_id"), resultSet.getString("region")),
        resultSet.getString("alias_name"), resultSet.getString("target_key_id"),
        instant(resultSet, "created_at"), instant(resultSet, "last_updated_at"));
  }

  private static <E extends Enum<E>> E enumOrNull(ResultSet resultSet, String column, Class<E> type)
      throws SQLException {
    String name = resultSet.getString(column);
    return name == null ? null : Enum.valueOf(type, name);
  }

  private static Owned<KeyMaterial> material(ResultSet resultSet) throws SQLException {
    return new Owned<>(resultSet.getString("key_id"), new KeyMaterial(
        KeyMaterialId.fromHex(resultSet.getString("material_id")), instant(resultSet, "created_at"),
        resultSet.getBoolean("is_current"), enumOrNull(resultSet, "rotation_type", RotationType.class),
        resultSet.getLong("encryptions_reserved")));
  }

  private static KeyDestruction destruction(ResultSet resultSet) throws SQLException {
    return new KeyDestruction(resultSet.getString("key_id"), KeyMaterialId.fromHex(resultSet.getString("material_id")),
        instant(resultSet, "destroyed_at"), resultSet.getString("reason"));
  }

  private static ImportToken importToken(ResultSet resultSet) throws SQLException {
    return new ImportToken(resultSet.getString("token_id"), resultSet.getString("key_id"),
        resultSet.getString("wrapping_key_id"),
        WrappingAlgorithm.valueOf(resultSet.getString("wrapping_algorithm")),
        WrappingKeySpec.valueOf(resultSet.getString("wrapping_key_spec")), instant(resultSet, "valid_to"));
  }

  private static Owned<Tag> tag(ResultSet resultSet) throws SQLException {
    return new Owned<>(resultSet.getString("key_id"),
        new Tag(resultSet.getString("tag_key"), resultSet.getString("tag_value")));
  }

  /** A material or tag row with the id of the key it belongs to. */
  private record Owned<T>(String keyId, T value) {}

  /** A keys row: a key without its materials and tags, plus its creation sequence number. */
  private record KeyRow(long seq, String keyId, Instant createdAt, String description, KeySpec keySpec,
      KeyUsage keyUsage, Origin origin, KeyState state, Instant deletionDate, Integer pendingWindowDays,
      byte[] publicKey, Integer rotationPeriodDays, Instant nextRotationDate, int onDemandRotations,
      ExpirationModel expirationModel, Instant validTo, byte[] importCheck, long importedEncryptionsReserved,
      String policy, String accountId, String region) {

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
          resultSet.getObject("pending_window_days", Integer.class),
          resultSet.getBytes("public_key"),
          resultSet.getObject("rotation_period_days", Integer.class),
          instant(resultSet, "next_rotation_date"),
          resultSet.getInt("on_demand_rotations"),
          enumOrNull(resultSet, "expiration_model", ExpirationModel.class),
          instant(resultSet, "valid_to"),
          resultSet.getBytes("import_check"),
          resultSet.getLong("imported_encryptions_reserved"),
          resultSet.getString("policy"),
          resultSet.getString("account_id"),
          resultSet.getString("region"));
    }

    KmsKey toKey(String partition, List<KeyMaterial> materials, List<Tag> tags) {
      return new KmsKey(keyId, createdAt, description, keySpec, keyUsage, origin, state, deletionDate,
          pendingWindowDays, materials, tags, publicKey, rotationPeriodDays, nextRotationDate, onDemandRotations,
          expirationModel, validTo, importCheck, importedEncryptionsReserved, policy,
          new AccountRegion(partition, accountId, region).keyArn(keyId));
    }
  }
}
