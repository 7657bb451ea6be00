package io.trent.pkcs11;

import io.trent.core.key.KeyMaterialId;

/**
 * Cached handles of one kind of key object, by key material id. Misses are filled from the token on
 * the anchor session, so a fill never races with {@link KmsKeyObjects#destroy}.
 *
 * @param <H> what a request needs to use the key: one handle, or both halves of a pair
 */
interface KeyHandleCache<H> {

  /**
   * The handle(s) for a key, from the cache or (on a miss) from the token.
   *
   * @throws io.trent.core.error.KeyUnavailableException when the token has no such object
   */
  H resolve(KeyMaterialId id) throws AnchorSessionException;

  /** Drops a handle the token called invalid, unless another thread already replaced it. */
  void forget(KeyMaterialId id, H stale);
}
