package io.trent.core.grant;

import io.trent.core.spi.MetadataStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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
  // Bumped when every key's grants are dropped at once.
  private final AtomicLong everything = new AtomicLong();
  private volatile boolean caching = true;

  public StoredGrantCache(MetadataStore store) {
    this.store = store;
  }

  @Override
  public KeyGrants grantsOf(String keyId) {
    KeyGrants cached = caching ? keys.get(keyId) : null;
    if (cached != null) {
      return cached;
    }
    long generation = generations.getOrDefault(keyId, 0L);
    long all = everything.get();
    KeyGrants loaded = new KeyGrants(store.listGrantsOfKey(keyId));
    if (unchanged(keyId, generation, all)) {
      keys.putIfAbsent(keyId, loaded);
      if (!unchanged(keyId, generation, all)) {
        keys.remove(keyId, loaded);
      }
    }
    return loaded;
  }

  private boolean unchanged(String keyId, long generation, long all) {
    return caching && everything.get() == all && generations.getOrDefault(keyId, 0L) == generation;
  }

  @Override
  public void invalidateAll(boolean cacheFromNowOn) {
    caching = false;
    everything.incrementAndGet();
    keys.clear();
    caching = cacheFromNowOn;
  }

  @Override
  public void invalidate(String keyId) {
    generations.merge(keyId, 1L, Long::sum);
    keys.remove(keyId);
  }
}
