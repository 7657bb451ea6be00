package io.trent.core.grant;

import io.trent.core.spi.MetadataStore;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link GrantCache} over the metadata store: a key's grants are read once and kept until invalidated. An
 * invalidation racing a load can leave the older list in place only if the load read the store before the change
 * committed, so {@link #invalidate} runs after the store write and removes whatever is cached then.
 */
public final class StoredGrantCache implements GrantCache {
  private final MetadataStore store;
  private final ConcurrentHashMap<String, KeyGrants> keys = new ConcurrentHashMap<>();
  // Bumped by every invalidation: a load that began before one must not be cached after it.
  private final ConcurrentHashMap<String, Long> generations = new ConcurrentHashMap<>();

  public StoredGrantCache(MetadataStore store) {
    this.store = store;
  }

  @Override
  public KeyGrants grantsOf(String keyId) {
    KeyGrants cached = keys.get(keyId);
    if (cached != null) {
      return cached;
    }
    long generation = generations.getOrDefault(keyId, 0L);
    KeyGrants loaded = new KeyGrants(store.listGrantsOfKey(keyId));
    if (generations.getOrDefault(keyId, 0L) == generation) {
      keys.putIfAbsent(keyId, loaded);
      if (generations.getOrDefault(keyId, 0L) != generation) {
        keys.remove(keyId, loaded);
      }
    }
    return loaded;
  }

  @Override
  public void invalidate(String keyId) {
    generations.merge(keyId, 1L, Long::sum);
    keys.remove(keyId);
  }
}
