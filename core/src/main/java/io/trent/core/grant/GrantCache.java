package io.trent.core.grant;

/**
 * The grants of each key, held in memory so authorizing a request costs no database read. Every change of a
 * key's grants on this node invalidates its entry, so a new grant counts, and a retired or revoked one stops
 * counting, from the very next request. Changes made through other nodes arrive as invalidations too (see
 * {@code catalog.CacheInvalidation}); a grant token covers a grant another node created before its invalidation
 * arrives (see {@link GrantsInForce}).
 */
public interface GrantCache {
  /** The key's grants, loaded from the store when not cached. */
  KeyGrants grantsOf(String keyId);

  /** Drops the key's grants, so the next {@link #grantsOf} reads the store. */
  void invalidate(String keyId);

  /**
   * Drops every key's grants (changes may have gone untold); with {@code cacheFromNowOn} false, caches nothing
   * until called again with true.
   */
  void invalidateAll(boolean cacheFromNowOn);
}
