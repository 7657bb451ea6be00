package io.trent.core.service;

import io.trent.core.catalog.KeyCatalog;
import io.trent.core.grant.GrantCache;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.KeyBackend;
import java.time.Clock;
import java.time.Instant;

/**
 * The work a clock makes due: destroying keys whose deletion window has passed (their HSM objects
 * first, then the metadata, with a destruction record), deleting expired imported material,
 * automatic rotation, and cleaning up expired import wrapping keys. Running it at start-up catches
 * up on whatever came due while the server was down. Safe to run repeatedly.
 */
public final class MaintenanceService {
  private static final System.Logger LOG = System.getLogger(MaintenanceService.class.getName());
  private final KeyCatalog catalog;
  private final KeyBackend backend;
  private final RotationService rotation;
  private final ImportService imports;
  private final Clock clock;
  private final GrantCache grants;

  MaintenanceService(KeyCatalog catalog, KeyBackend backend, RotationService rotation, ImportService imports, Clock clock,
      GrantCache grants) {
    this.grants = grants;
    this.catalog = catalog;
    this.backend = backend;
    this.rotation = rotation;
    this.imports = imports;
    this.clock = clock;
  }

  /** What one run did. */
  public record Report(int keysDestroyed, int keysRotated, int materialsExpired, int importTokensExpired, int failures) {}

  public Report runDue() {
    Instant now = clock.instant();
    int destroyed = 0;
    int rotated = 0;
    int expired = 0;
    int failures = 0;
    for (KmsKey key : catalog.findKeysWithMaintenanceDue(now)) {
      try {
        if (key.state() == KeyState.PendingDeletion && !key.deletionDate().isAfter(now)) {
          if (destroy(key.keyId(), now)) {
            destroyed++;
          }
        } else if (key.validTo() != null && !key.validTo().isAfter(now)) {
          imports.expire(key);
          expired++;
        } else if (key.nextRotationDate() != null && !key.nextRotationDate().isAfter(now) && key.state() == KeyState.Enabled) {
          rotation.rotateAutomatically(key);
          rotated++;
        }
      } catch (RuntimeException e) {
        // One key's failure must not stop the others; the next run retries it.
        failures++;
        LOG.log(System.Logger.Level.WARNING, "Maintenance of key " + key.keyId() + " failed; will retry", e);
      }
    }
    int tokens = 0;
    try {
      tokens = imports.destroyExpiredTokens();
    } catch (RuntimeException e) {
      failures++;
      LOG.log(System.Logger.Level.WARNING, "Cleaning up expired import tokens failed; will retry", e);
    }
    return new Report(destroyed, rotated, expired, tokens, failures);
  }

  /**
   * Destroys a key whose deletion date has come. The metadata store first re-checks and marks it in
   * one transaction (a CancelKeyDeletion that got there first wins, and one that comes later fails);
   * only then are the HSM objects destroyed, and last the metadata. A failure in between leaves the
   * key marked, and the next run resumes.
   *
   * @return false when the key was no longer due (its deletion was cancelled)
   */
  private boolean destroy(String keyId, Instant now) {
    KmsKey key = catalog.beginDestruction(keyId, now).orElse(null);
    if (key == null) {
      LOG.log(System.Logger.Level.INFO, "KMS key {0} is no longer due for destruction; left alone", keyId);
      return false;
    }
    for (KeyMaterial material : key.materials()) {
      backend.destroyKey(material.id());
    }
    imports.destroyWrappingKeysOf(key);
    catalog.deleteKey(keyId, now);
    grants.invalidate(keyId); // the store deleted the key's grants with it
    LOG.log(System.Logger.Level.INFO, "Destroyed KMS key {0} and its {1} HSM key material(s)",
        keyId, key.materials().size());
    return true;
  }
}
