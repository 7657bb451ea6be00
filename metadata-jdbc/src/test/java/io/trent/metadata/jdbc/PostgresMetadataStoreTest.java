package io.trent.metadata.jdbc;

import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.contract.MetadataStoreContract;
import io.trent.metadata.jdbc.testing.PostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SPI contract on PostgreSQL: a fresh database of a real server per test, the same migrations; a second store on
 * it is another node, and changes are told through LISTEN/NOTIFY.
 */
class PostgresMetadataStoreTest extends MetadataStoreContract {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  /** A database the migrations ran on once, which each test's database copies. */
  private static String migrated;

  private String url;

  @Override
  protected MetadataStore open() {
    if (url == null) {
      url = POSTGRES.server().copyOf(migrated());
    }
    return JdbcMetadataStore.open(url, "", "");
  }

  /** Another node on the same database. */
  @Override
  protected MetadataStore openPeer() {
    store();
    return JdbcMetadataStore.open(url, "", "");
  }

  @Override
  public boolean tellsChanges() {
    return true;
  }

  private static synchronized String migrated() {
    if (migrated == null) {
      migrated = POSTGRES.newDatabase();
      JdbcMetadataStore.open(migrated, "", "").close();
    }
    return migrated;
  }
}
