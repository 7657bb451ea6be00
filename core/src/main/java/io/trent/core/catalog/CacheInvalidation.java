package io.trent.core.catalog;

import io.trent.core.grant.GrantCache;
import io.trent.core.spi.ChangeListener;

/**
 * Keeps this node's caches of keys, aliases and grants in step with changes other nodes commit, as the metadata
 * store tells them: each change drops the entries it concerns, and while the store cannot tell changes the
 * caches are off (every read goes to the store).
 */
public final class CacheInvalidation implements ChangeListener {
  private final KeyCatalog catalog;
  private final GrantCache grants;

  public CacheInvalidation(KeyCatalog catalog, GrantCache grants) {
    this.catalog = catalog;
    this.grants = grants;
  }

  @Override
  public void keyChanged(String keyId) {
    catalog.invalidateKey(keyId);
    grants.invalidate(keyId); // a deleted key's grants went with it
  }

  @Override
  public void aliasChanged(String aliasArn) {
    catalog.invalidateAlias(aliasArn);
  }

  @Override
  public void grantsChanged(String keyId) {
    grants.invalidate(keyId);
  }

  @Override
  public void interrupted() {
    catalog.invalidateAll(false);
    grants.invalidateAll(false);
  }

  @Override
  public void resumed() {
    catalog.invalidateAll(true);
    grants.invalidateAll(true);
  }
}
