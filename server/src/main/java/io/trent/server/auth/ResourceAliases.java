package io.trent.server.auth;

import io.trent.core.key.Alias;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.MetadataStore;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code kms:ResourceAliases} of one request: the names of the aliases of its key (aliases live in the key's
 * account and region), read from the store only if a policy condition asks for them, so requests under
 * policies that do not use the key pay nothing; read fresh, so an alias change applies from the next request
 * (AWS allows itself up to five minutes [D kdg:alias-authorization]).
 *
 * <p>The key is effective only while a key has at most 50 aliases (AWS's aliases-per-key quota); beyond that,
 * {@link #overQuota()} tells the authorizer to deny what the key would have allowed
 * [D kdg:conditions-kms#conditions-kms-resource-aliases].
 */
final class ResourceAliases implements Supplier<List<String>> {
  static final int QUOTA = 50;

  private final MetadataStore store;
  private final KmsKey key;
  private boolean overQuota;

  ResourceAliases(MetadataStore store, KmsKey key) {
    this.store = store;
    this.key = key;
  }

  @Override
  public List<String> get() {
    List<String> names = store.listAliases(key.home(), key.keyId(), QUOTA + 1, null).items().stream().map(Alias::name).toList();
    overQuota = names.size() > QUOTA;
    return names;
  }

  /** Whether a condition asked for the aliases and the key has more than the quota. */
  boolean overQuota() {
    return overQuota;
  }
}
