package io.trent.core.spi;

import io.trent.core.key.Alias;
import io.trent.core.key.KmsKey;
import java.util.Optional;

/**
 * Durable storage of key metadata and aliases (never key material).
 *
 * <p>Paging markers are opaque strings the store issues; an unknown marker raises
 * {@link io.trent.core.error.InvalidMarkerException}. Keys list in creation order, aliases in name
 * order. Implementations are thread-safe and every write is durable when the method returns.
 */
public interface MetadataStore extends AutoCloseable {

  /** Stores a new key with its materials and tags. */
  void insertKey(KmsKey key);

  /** Replaces a stored key's mutable fields, materials and tags. */
  void updateKey(KmsKey key);

  Optional<KmsKey> findKey(String keyId);

  Page<KmsKey> listKeys(int limit, String marker);

  /**
   * Stores a new alias.
   *
   * @return false when an alias of that name already exists
   */
  boolean insertAlias(Alias alias);

  /** Replaces an alias's target and update time; false when it does not exist. */
  boolean updateAlias(Alias alias);

  /** Deletes an alias; false when it did not exist. */
  boolean deleteAlias(String aliasName);

  Optional<Alias> findAlias(String aliasName);

  /** Aliases in name order, all of them or only those of {@code targetKeyId} when not null. */
  Page<Alias> listAliases(String targetKeyId, int limit, String marker);

  @Override
  void close();
}
