package io.trent.core.spi.contract;

import io.trent.core.spi.MetadataStore;

/** What each part of the {@link MetadataStoreContract} is given: the store, and a way to reopen it. */
interface StoreUnderTest {
  /** The store under test, opened on first use: empty at the start of each test. */
  MetadataStore store();

  /** Closes the store and opens it again on the same data (for a store in memory: the same store). */
  void reopen();

  /**
   * A second store on the same database, as another node opens it (for a store in memory: the same store); closed
   * after the test.
   */
  MetadataStore peer();

  /** Whether the store tells changes ({@link MetadataStore#changes}): a store shared by several nodes must. */
  boolean tellsChanges();
}
