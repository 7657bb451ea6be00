package io.trent.core.spi;

/**
 * Told by a {@link MetadataStore} about changes that any node sharing its database committed, so that what a node
 * caches (keys, aliases, grants, access keys) never outlives a change made through another node. Calls come from
 * the store's own thread, one at a time; implementations return quickly and never call back into the store.
 *
 * <p>While the store cannot promise to tell every change (its listening connection is lost), it calls
 * {@link #interrupted()}; once it can again, {@link #resumed()}: changes made in between were not told. Every method
 * does nothing unless overridden, so a listener takes only the changes it caches.
 */
public interface ChangeListener {
  /**
   * A key's metadata changed (state, policy, description, tags, materials, rotation, deletion) or the key was
   * deleted; a deleted key's aliases and grants are gone with it.
   */
  default void keyChanged(String keyId) {}

  /** The alias with this ARN was created, retargeted or deleted. */
  default void aliasChanged(String aliasArn) {}

  /** A grant of this key was created, retired or revoked. */
  default void grantsChanged(String keyId) {}

  /** A principal, its tags, its identity policy or its access keys changed. */
  default void principalsChanged() {}

  /** From now on changes may go untold: serve nothing from a cache until {@link #resumed()}. */
  default void interrupted() {}

  /** Changes are told again; whatever was cached before may be stale. */
  default void resumed() {}
}
