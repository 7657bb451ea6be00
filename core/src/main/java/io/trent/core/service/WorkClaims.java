package io.trent.core.service;

import io.trent.core.catalog.KeyCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * This node's claims on scheduled work ({@link io.trent.core.spi.MetadataStore#claimWork}), so that of several nodes
 * sharing a database only one destroys, rotates or expires a key. A claim lasts {@link #LEASE} unless released: long
 * enough for any one key's work, short enough that a node that died holding one delays that work only so long.
 */
final class WorkClaims {
  static final Duration LEASE = Duration.ofMinutes(5);

  private final KeyCatalog catalog;
  private final String owner;

  /**
   * @param owner the node's name: a node restarted under the same name resumes the claims it held when it died, one
   *     under a new name waits for their lease
   */
  WorkClaims(KeyCatalog catalog, String owner) {
    this.catalog = catalog;
    this.owner = owner;
  }

  /** A name no other process has: the node's claims lapse with it. */
  static String processUnique() {
    return "node-" + UUID.randomUUID();
  }

  boolean claim(String work, Instant now) {
    return catalog.claimWork(work, owner, now, now.plus(LEASE));
  }

  void release(String work) {
    catalog.releaseWork(work, owner);
  }
}
