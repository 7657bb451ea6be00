package io.trent.core.grant;

/**
 * The grants of each key, held in memory so authorizing a request costs no database read. Every change of a
 * key's grants on this node invalidates its entry, so a new grant counts, and a retired or revoked one stops
 * counting, from the very next request. A multi-node store adds invalidation from other nodes behind this
 * interface; until then a grant token covers a grant another node created (see {@link GrantsInForce}).
 */
public interface GrantCache {
  /** The key's grants, loaded from the store when not cached. */
  KeyGrants grantsOf(String keyId);

  /** Drops the key's grants, so the next {@link #grantsOf} reads the store. */
  void invalidate(String keyId);
}
