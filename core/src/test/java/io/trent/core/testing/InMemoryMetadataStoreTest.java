package io.trent.core.testing;

import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.contract.MetadataStoreContract;

/** The in-memory double keeps the same contract as the real stores, so core's tests mean what they say. */
class InMemoryMetadataStoreTest extends MetadataStoreContract {
  @Override
  protected MetadataStore open() {
    return new InMemoryMetadataStore();
  }

  @Override
  protected boolean closesOnReopen() {
    return false;
  }
}
