package io.trent.core.service;

import io.trent.core.audit.InternalEvent;
import io.trent.core.audit.InternalEvents;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.grant.GrantCache;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.spi.KeyBackend;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The work a clock makes due: destroying keys whose deletion window has passed (their HSM objects
 * first, then the metadata, with a destruction record), deleting expired imported material,
 * automatic rotation, and cleaning up expired import wrapping keys. Running it at start-up catches
 * up on whatever came due while the server was down. Safe to run repeatedly, and on several nodes sharing one
 * database at once: each key's work is done by the node that claims it ({@link WorkClaims}), which re-reads the key
 * after the claim, so a key is destroyed, rotated or expired once and its event recorded once, by that node.
 */
public final class MaintenanceService {
  private static final System.Logger LOG = System.getLogger(MaintenanceService.class.getName());
  private final KeyCatalog catalog;
  private final KeyBackend backend;
  private final RotationService rotation;
  private final ImportService imports;
  private final Clock clock;
  private final GrantCache grants;
  private final WorkClaims claims;

  /** @param node this node's name in the claims on scheduled work ({@link WorkClaims}) */
  MaintenanceService(KeyCatalog catalog, KeyBackend backend, RotationService rotation, ImportService imports, Clock clock,
      GrantCache grants, String node) {
    this.grants = grants;
    this.catalog = catalog;
    this.backend = backend;
    this.rotation = rotation;
    this.imports = imports;
    this.clock = clock;
    this.claims = new WorkClaims(catalog, node);
  }

  /** What one run did. */
  public record Report(int keysDestroyed, int keysRotated, int materialsExpired, int importTokensExpired, int failures) {}

  /** The reconciliation of this store and token (see {@link Reconciler}); it finishes deletions as this does. */
  public Reconciler reconciler() {
    return new Reconciler(catalog, backend, this, imports, clock);
  }

  public Report runDue() {
    return runDue(InternalEvents.NONE);
  }

  /**
   * Runs what is due, recording each deletion, expiry and automatic rotation in {@code events}; a key whose
   * work cannot be recorded ({@link InternalEvents#checkWritable()} throws) is left for the next run.
   */
  public Report runDue(InternalEvents events) {
    Instant now = clock.instant();
    int destroyed = 0;
    int rotated = 0;
    int expired = 0;
    int failures = 0;
    for (KmsKey listed : catalog.findKeysWithMaintenanceDue(now)) {
      String work = "key:" + listed.keyId();
      KmsKey key = listed;
      boolean claimed = false;
      try {
        events.checkWritable();
        claimed = claims.claim(work, now);
        // Another node holds it, or did the work between the listing and the claim: the key as stored says.
        key = claimed ? catalog.reload(listed.keyId()).orElse(null) : null;
        if (key == null) {
          continue;
        }
        if (key.state() == KeyState.PendingDeletion && !key.deletionDate().isAfter(now)) {
          KmsKey gone = destroy(key.keyId(), now);
          if (gone != null) {
            destroyed++;
            events.record(new InternalEvent(InternalEvent.Kind.DELETE_KEY, key.arn(),
                gone.materials().stream().map(m -> m.id().toHex()).toList()));
          }
        } else if (key.validTo() != null && !key.validTo().isAfter(now)) {
          List<String> material = key.currentMaterial().map(m -> List.of(m.id().toHex())).orElse(List.of());
          imports.expire(key);
          expired++;
          events.record(new InternalEvent(InternalEvent.Kind.DELETE_EXPIRED_KEY_MATERIAL, key.arn(), material));
        } else if (key.nextRotationDate() != null && !key.nextRotationDate().isAfter(now) && key.state() == KeyState.Enabled) {
          KeyMaterialId material = rotation.rotateAutomatically(key);
          rotated++;
          if (material != null) {
            events.record(new InternalEvent(InternalEvent.Kind.ROTATE_KEY, key.arn(), List.of(material.toHex())));
          }
        }
      } catch (RuntimeException e) {
        // One key's failure must not stop the others; the next run retries it.
        failures++;
        LOG.log(System.Logger.Level.WARNING, "Maintenance of key " + listed.keyId() + " failed; will retry", e);
      } finally {
        if (claimed) {
          releaseQuietly(work);
        }
      }
    }
    int tokens = 0;
    try {
      tokens = imports.destroyExpiredTokens(claims);
    } catch (RuntimeException e) {
      failures++;
      LOG.log(System.Logger.Level.WARNING, "Cleaning up expired import tokens failed; will retry", e);
    }
    return new Report(destroyed, rotated, expired, tokens, failures);
  }

  /** A claim left behind lapses after its lease; the work it covered is done or will be retried. */
  private void releaseQuietly(String work) {
    try {
      claims.release(work);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "Releasing the claim on " + work + " failed; it lapses after "
          + WorkClaims.LEASE, e);
    }
  }

  /**
   * Destroys a key whose deletion date has come. The metadata store first re-checks and marks it in
   * one transaction (a CancelKeyDeletion that got there first wins, and one that comes later fails);
   * only then are the HSM objects destroyed, and last the metadata. A failure in between leaves the
   * key marked, and the next run resumes.
   *
   * @return the key as it was destroyed, or null when it was no longer due (its deletion was cancelled)
   */
  KmsKey destroy(String keyId, Instant now) {
    KmsKey key = catalog.beginDestruction(keyId, now).orElse(null);
    if (key == null) {
      LOG.log(System.Logger.Level.INFO, "KMS key {0} is no longer due for destruction; left alone", keyId);
      return null;
    }
    for (KeyMaterial material : key.materials()) {
      backend.destroyKey(material.id());
    }
    imports.destroyWrappingKeysOf(key);
    CrashPoint.reached(CrashPoint.DELETE_KEY);
    catalog.deleteKey(keyId, now);
    grants.invalidate(keyId); // the store deleted the key's grants with it
    LOG.log(System.Logger.Level.INFO, "Destroyed KMS key {0} and its {1} HSM key material(s)",
        keyId, key.materials().size());
    return key;
  }
}
