package io.trent.core.catalog;

import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.error.NotFoundException;
import io.trent.core.key.AccountRegion;
import io.trent.core.key.Alias;
import io.trent.core.key.ImportToken;
import io.trent.core.key.KeyDestruction;
import io.trent.core.key.KmsKey;
import io.trent.core.key.ServiceIdentity;
import java.time.Instant;
import java.util.List;
import io.trent.core.spi.MetadataStore;
import io.trent.core.spi.Page;
import io.trent.policy.DefaultKeyPolicy;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Key metadata and aliases with a read-through cache over the {@link MetadataStore}, so the data
 * plane (GenerateDataKey, Decrypt) never waits on the database for a known key.
 *
 * <p>Writes go to the store first, then the cache, under one lock: writes are rare control-plane
 * calls. Changes made through other nodes arrive as invalidations ({@link CacheInvalidation}, told by the store);
 * while the store cannot promise to tell them, the catalog caches nothing and reads every key from the store.
 */
public final class KeyCatalog {
  private final MetadataStore store;
  private final ServiceIdentity identity;
  private final ConcurrentHashMap<String, KmsKey> keys = new ConcurrentHashMap<>();
  /** By alias ARN: names are unique only within an account and region. */
  private final ConcurrentHashMap<String, Alias> aliases = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();
  // Bumped by every invalidation: a load that read the store before one must not be cached after it.
  private final AtomicLong generation = new AtomicLong();
  private volatile boolean caching = true;

  /** A catalog over the store; {@code identity} builds the ARNs of errors about vanished keys. */
  public KeyCatalog(MetadataStore store, ServiceIdentity identity) {
    this.store = store;
    this.identity = identity;
  }

  public Optional<KmsKey> findKey(String keyId) {
    KmsKey cached = caching ? keys.get(keyId) : null;
    if (cached != null) {
      return Optional.of(cached);
    }
    long before = generation.get();
    Optional<KmsKey> loaded = store.findKey(keyId).map(this::withPolicy);
    loaded.ifPresent(k -> cache(keys, keyId, k, before));
    return loaded;
  }

  /** The alias of that name in an account and region. */
  public Optional<Alias> findAlias(AccountRegion home, String aliasName) {
    String arn = home.aliasArn(aliasName).value();
    Alias cached = caching ? aliases.get(arn) : null;
    if (cached != null) {
      return Optional.of(cached);
    }
    long before = generation.get();
    Optional<Alias> loaded = store.findAlias(home, aliasName);
    loaded.ifPresent(a -> cache(aliases, arn, a, before));
    return loaded;
  }

  /** Caches a value loaded from the store unless an invalidation came in since the load began. */
  private <V> void cache(ConcurrentHashMap<String, V> map, String id, V value, long loadedAt) {
    if (!caching || generation.get() != loadedAt) {
      return;
    }
    map.putIfAbsent(id, value);
    if (!caching || generation.get() != loadedAt) {
      map.remove(id, value);
    }
  }

  /**
   * Caches what this node just wrote, unless an invalidation came in since the write began: a change another node
   * committed after it may already have been told, and the value written would then be stale.
   */
  private <V> void cacheWritten(ConcurrentHashMap<String, V> map, String id, V value, long writtenAt) {
    if (!caching) {
      return;
    }
    map.put(id, value);
    if (!caching || generation.get() != writtenAt) {
      map.remove(id, value);
    }
  }

  /** Another node changed or deleted the key: the next read goes to the store (a deleted key's aliases too). */
  public void invalidateKey(String keyId) {
    generation.incrementAndGet();
    keys.remove(keyId);
    aliases.values().removeIf(a -> a.targetKeyId().equals(keyId));
  }

  /** Another node created, retargeted or deleted the alias with this ARN. */
  public void invalidateAlias(String aliasArn) {
    generation.incrementAndGet();
    aliases.remove(aliasArn);
  }

  /**
   * Drops every cached key and alias (changes may have gone untold); with {@code cacheFromNowOn} false, caches
   * nothing until called again with true.
   */
  public void invalidateAll(boolean cacheFromNowOn) {
    caching = false;
    generation.incrementAndGet();
    keys.clear();
    aliases.clear();
    caching = cacheFromNowOn;
  }

  public void insertKey(KmsKey key) {
    synchronized (writeLock) {
      long before = generation.get();
      store.insertKey(key);
      cacheWritten(keys, key.keyId(), key, before);
    }
  }

  /**
   * Applies a change to the latest stored version of a key, atomically with respect to other
   * writes of this catalog.
   *
   * @return the key as stored after the change
   * @throws NotFoundException when the key has been deleted meanwhile
   * @throws KmsInvalidStateException "is pending deletion." when its destruction has begun
   */
  public KmsKey updateKey(String keyId, UnaryOperator<KmsKey> change) {
    synchronized (writeLock) {
      long before = generation.get();
      // Read and written in one transaction of the store, so a change another node commits meanwhile is not lost.
      Optional<KmsKey> stored = store.updateKey(keyId, k -> {
        KmsKey current = withPolicy(k);
        KmsKey updated = change.apply(current);
        return updated == current ? k : updated;
      }).map(this::withPolicy);
      if (stored.isEmpty()) {
        // Another node (or clock) began destroying the key, or finished: as AWS says of a key it is deleting.
        NotFoundException notFound = notFound(keyId);
        keys.remove(keyId);
        KmsKey gone = store.findKey(keyId).orElse(null);
        if (gone == null) {
          throw notFound;
        }
        throw new KmsInvalidStateException(gone.arn() + " is pending deletion.");
      }
      cacheWritten(keys, keyId, stored.get(), before);
      return stored.get();
    }
  }

  /**
   * Commits to destroying a key that is still PendingDeletion and due (see
   * {@link MetadataStore#beginDestruction}); from then on no update of it succeeds.
   *
   * @return the key to destroy, or empty when it is no longer due
   */
  public Optional<KmsKey> beginDestruction(String keyId, Instant now) {
    synchronized (writeLock) {
      long before = generation.get();
      Optional<KmsKey> marked = store.beginDestruction(keyId, now).map(this::withPolicy);
      keys.remove(keyId);
      marked.ifPresent(k -> cacheWritten(keys, keyId, k, before));
      return marked;
    }
  }

  /**
   * The one place a key stored before key policies (policy column null) gets its policy: the default key
   * policy of its account, which is what AWS gives a key created without one.
   */
  private KmsKey withPolicy(KmsKey key) {
    return key.policy() != null ? key
        : key.withPolicy(DefaultKeyPolicy.text(key.arn().partition(), key.accountId()));
  }

  /** A key that vanished before it was read: its ARN is the last one cached, else the server's account's. */
  private NotFoundException notFound(String keyId) {
    KmsKey cached = keys.get(keyId);
    String arn = cached != null ? cached.arn().value() : identity.home().keyArn(keyId).value();
    return new NotFoundException("Key '" + arn + "' does not exist");
  }

  /** The keys of one account and region, in creation order. */
  public Page<KmsKey> listKeys(AccountRegion home, int limit, String marker) {
    Page<KmsKey> page = store.listKeys(home, limit, marker);
    return new Page<>(page.items().stream().map(this::withPolicy).toList(), page.nextMarker());
  }

  public boolean insertAlias(Alias alias) {
    synchronized (writeLock) {
      long before = generation.get();
      boolean inserted = store.insertAlias(alias);
      if (inserted) {
        cacheWritten(aliases, alias.arn().value(), alias, before);
      }
      return inserted;
    }
  }

  public boolean updateAlias(Alias alias) {
    synchronized (writeLock) {
      long before = generation.get();
      boolean updated = store.updateAlias(alias);
      String arn = alias.arn().value();
      aliases.remove(arn);
      if (updated) {
        cacheWritten(aliases, arn, alias, before);
      }
      return updated;
    }
  }

  public boolean deleteAlias(AccountRegion home, String aliasName) {
    synchronized (writeLock) {
      boolean deleted = store.deleteAlias(home, aliasName);
      aliases.remove(home.aliasArn(aliasName).value());
      return deleted;
    }
  }

  /** The aliases of one account and region in name order, all or only {@code targetKeyId}'s. */
  public Page<Alias> listAliases(AccountRegion home, String targetKeyId, int limit, String marker) {
    return store.listAliases(home, targetKeyId, limit, marker);
  }

  /** Deletes a key for good (its HSM objects are already destroyed) and evicts it and its aliases. */
  public void deleteKey(String keyId, Instant destroyedAt) {
    synchronized (writeLock) {
      store.deleteKey(keyId, destroyedAt);
      keys.remove(keyId);
      aliases.values().removeIf(a -> a.targetKeyId().equals(keyId));
    }
  }

  /**
   * The key as stored now, whatever is cached (scheduled work re-reads a key after claiming it); the cache takes
   * it too.
   */
  public Optional<KmsKey> reload(String keyId) {
    long before = generation.get();
    Optional<KmsKey> loaded = store.findKey(keyId).map(this::withPolicy);
    loaded.ifPresentOrElse(k -> {
      keys.remove(keyId);
      cache(keys, keyId, k, before);
    }, () -> keys.remove(keyId));
    return loaded;
  }

  /** See {@link MetadataStore#claimWork}. */
  public boolean claimWork(String work, String owner, Instant now, Instant until) {
    return store.claimWork(work, owner, now, until);
  }

  /** See {@link MetadataStore#releaseWork}. */
  public void releaseWork(String work, String owner) {
    store.releaseWork(work, owner);
  }

  public void recordDestruction(KeyDestruction destruction) {
    store.recordDestruction(destruction);
  }

  public List<KeyDestruction> listDestructions(String keyId) {
    return store.listDestructions(keyId);
  }

  public List<KmsKey> findKeysWithMaintenanceDue(Instant now) {
    return store.findKeysWithMaintenanceDue(now).stream().map(this::withPolicy).toList();
  }

  public void insertImportToken(ImportToken token) {
    store.insertImportToken(token);
  }

  public Optional<ImportToken> findImportToken(String tokenId) {
    return store.findImportToken(tokenId);
  }

  public void deleteImportToken(String tokenId) {
    store.deleteImportToken(tokenId);
  }

  public void retireImportToken(String tokenId) {
    store.retireImportToken(tokenId);
  }

  public List<ImportToken> findExpiredImportTokens(Instant now) {
    return store.findExpiredImportTokens(now);
  }

  public List<ImportToken> findImportTokensOfKey(String keyId) {
    return store.findImportTokensOfKey(keyId);
  }
}
