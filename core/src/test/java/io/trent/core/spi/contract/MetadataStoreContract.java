package io.trent.core.spi.contract;

import io.trent.core.spi.MetadataStore;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link MetadataStore} SPI's contract, one suite that every implementation runs (embedded H2,
 * PostgreSQL, and core's in-memory double), so they cannot drift apart. Each concern is an interface
 * of default test methods (keys, aliases, paging, deletion, import tokens, maintenance, principals, principal
 * tags, grants; keys, aliases and paging each with their accounts and regions); a new concern is a new
 * interface added here. What only a database has (concurrent writers, row locks) stays in its own tests; what
 * several nodes need of a shared database (claims on scheduled work, changes told) is here, through a second
 * store on the same data ({@link #peer()}).
 *
 * <p>A subclass says how to open an empty store, how to open it again on the same data, and whether it tells
 * changes.
 */
public abstract class MetadataStoreContract implements KeyContract, AliasContract, PagingContract,
    DeletionContract, ImportTokenContract, MaintenanceContract, PrincipalContract, PrincipalTagContract,
    GrantContract, AtomicUpdateContract, ClaimContract, ChangeContract {
  private MetadataStore store;
  private MetadataStore peer;

  /**
   * Opens the store: on the first call of a test an empty one, on later calls (after the previous one
   * was closed) the same data again.
   */
  protected abstract MetadataStore open();

  /** A second store on the data of {@link #open()}'s, while that one is open; by default, the same store. */
  protected MetadataStore openPeer() {
    return store();
  }

  @Override
  public boolean tellsChanges() {
    return false;
  }

  @Override
  public final MetadataStore peer() {
    if (peer == null) {
      peer = openPeer();
    }
    return peer;
  }

  /** Whether {@link #reopen()} closes the store; a store in memory would lose everything. */
  protected boolean closesOnReopen() {
    return true;
  }

  @Override
  public final MetadataStore store() {
    if (store == null) {
      store = open();
    }
    return store;
  }

  @Override
  public final void reopen() {
    if (!closesOnReopen()) {
      return;
    }
    store().close();
    store = null;
    store();
  }

  @AfterEach
  final void closeStore() {
    if (peer != null && peer != store) {
      peer.close();
    }
    if (store != null) {
      store.close();
    }
  }
}
