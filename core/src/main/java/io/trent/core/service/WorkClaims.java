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
  /** Unique per process: a restarted node does not resume a claim it held before, it waits for the lease. */
  private final String owner = "node-" + UUID.randomUUID();

  WorkClaims(KeyCatalog catalog) {
    this.catalog = catalog;
  }

  boolean claim(String work, Instant now) {
    return catalog.claimWork(work, owner, now, now.plus(LEASE));
  }

  void release(String work) {
    catalog.releaseWork(work, owner);
  }
}
