package io.trent.core.service;

import io.trent.core.KmsPolicy;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.catalog.KeyUsePolicy;
import io.trent.core.error.KmsInternalException;
import io.trent.core.error.KmsInvalidStateException;
import io.trent.core.error.KmsException;
import io.trent.core.error.LimitExceededException;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts AES-GCM encryptions per key material, rotates a key with generated material before random
 * IVs become unsafe, and refuses any encryption past the hard limit. Counts are reserved in the
 * metadata store a block ahead of use: one write per block, and after a crash every reserved
 * encryption counts as used, so the count never runs low.
 *
 * <p>The stored count is shared by every node of one database: a node takes the next block from it (the
 * encryptions numbered from the stored count up to a block more, in a locked read-modify-write) and numbers its
 * encryptions within its blocks, so the numbers of all nodes' encryptions under one material are distinct, and
 * the threshold and the limit apply to all of them together.
 *
 * <p>Imported (EXTERNAL) material is never rotated: new HSM-generated material would no longer be the
 * customer's, and deleting the imported material would no longer crypto-shred new ciphertexts.
 */
final class EncryptionBudget {
  /** How long after a failed budget rotation the next encryption tries again. */
  static final Duration ROTATION_RETRY = Duration.ofSeconds(10);
  private static final System.Logger LOG = System.getLogger(EncryptionBudget.class.getName());

  /** Rotates a key away from material that has used up its budget. */
  @FunctionalInterface
  interface Rotation {
    void rotate(String keyId, KeyMaterialId exhausted);
  }

  private final KeyCatalog catalog;
  private final Clock clock;
  private final long rotateAt;
  private final long limit;
  private final long block;
  private final ConcurrentHashMap<KeyMaterialId, Counter> counters = new ConcurrentHashMap<>();
  private volatile Rotation rotation = (keyId, exhausted) -> { };

  EncryptionBudget(KeyCatalog catalog, Clock clock, KmsPolicy policy) {
    this.catalog = catalog;
    this.clock = clock;
    this.rotateAt = policy.gcmEncryptionsBeforeRotation();
    this.limit = policy.gcmEncryptionLimit();
    this.block = policy.encryptionReservationBlock();
  }

  /** Who rotates a key that has used up its budget (set once at wiring). */
  void onExhausted(Rotation rotateKey) {
    this.rotation = rotateKey;
  }

  /**
   * Accounts for one encryption under the key's current material; call before encrypting.
   *
   * @return the material to encrypt under: {@code materialId}, or the key's new current material
   *     when {@code materialId} is used up and this call rotated the key
   * @throws LimitExceededException past the limit, for imported material (only new material helps)
   * @throws KmsInternalException past the limit, for generated material whose rotation has not
   *     succeeded yet (retryable: the next attempt may find the key rotated)
   */
  KeyMaterialId consume(KmsKey key, KeyMaterialId materialId) {
    Counter counter = counters.computeIfAbsent(materialId, id -> new Counter());
    long n = take(key.keyId(), materialId, counter);
    boolean generated = key.origin() == Origin.AWS_KMS;
    if (n >= rotateAt) {
      if (generated) {
        rotateIfDue(key.keyId(), materialId, counter);
      } else if (counter.warned.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.WARNING, "Imported key material {0} of KMS key {1} has been used for {2} of its "
            + "{3} AES-GCM encryptions; Trent does not rotate imported material", materialId, key.keyId(), n, limit);
      }
    }
    if (n > limit) {
      KmsKey rotated = generated && counter.rotated ? catalog.findKey(key.keyId()).orElse(null) : null;
      KeyMaterialId next = rotated == null ? null : rotated.currentMaterial().map(KeyMaterial::id).orElse(null);
      if (next != null && !next.equals(materialId)) {
        return consume(rotated, next); // the request resolved the key just before its rotation
      }
      throw exhausted(key, generated);
    }
    return materialId;
  }

  /**
   * The number of this encryption under the material, counted across every node (1 for the first); more than the
   * limit when the stored count has reached it.
   */
  private long take(String keyId, KeyMaterialId materialId, Counter counter) {
    while (true) {
      long taken = counter.taken.get();
      if (taken < counter.end) {
        if (counter.taken.compareAndSet(taken, taken + 1)) {
          return taken + 1;
        }
        continue;
      }
      synchronized (counter) {
        if (counter.taken.get() >= counter.end && !reserve(keyId, materialId, counter)) {
          return limit + 1;
        }
      }
    }
  }

  private KmsException exhausted(KmsKey key, boolean generated) {
    String arn = key.arn().value();
    if (generated) {
      // A retryable 5xx, as for any internal fault: the rotation that failed is retried, and a
      // retried request then encrypts under the new material.
      return new KmsInternalException("The encryption limit of the current key material has been reached and "
          + "the key could not be rotated yet; retry later: " + arn);
    }
    // AWS has no such limit (it derives a key per request), so there is no AWS text. LimitExceededException
    // ("a quota was exceeded", 400) is AWS's type for a per-key count that has run out, as with on-demand
    // rotations; KMSInvalidStateException would contradict DescribeKey, which still shows Enabled.
    return new LimitExceededException("The encryption limit of the imported key material has been reached for "
        + "the given keyId. No more encryptions can be performed with this key material; import new key "
        + "material into a new KMS key: " + arn);
  }

  private void rotateIfDue(String keyId, KeyMaterialId materialId, Counter counter) {
    if (counter.rotated) {
      return;
    }
    Instant now = clock.instant();
    if (now.isBefore(counter.nextAttempt) || !counter.rotating.compareAndSet(false, true)) {
      return; // another request is rotating, or the last attempt failed a moment ago
    }
    try {
      rotation.rotate(keyId, materialId);
      counter.rotated = true;
    } catch (RuntimeException e) {
      // This encryption is still within the limit and goes ahead; a later one tries again.
      counter.nextAttempt = now.plus(ROTATION_RETRY);
      LOG.log(System.Logger.Level.WARNING, "Rotating KMS key " + keyId + " away from key material " + materialId
          + ", which has used its AES-GCM budget, failed; retrying in " + ROTATION_RETRY.toSeconds() + " s", e);
    } finally {
      counter.rotating.set(false);
    }
  }

  /**
   * Takes the next block of the stored count for this node; false when the stored count has reached the limit.
   * Called holding the counter's lock.
   */
  private boolean reserve(String keyId, KeyMaterialId materialId, Counter counter) {
    long[] block = new long[2]; // the stored count before, and after this reservation
    AtomicBoolean stored = new AtomicBoolean();
    KmsKey updated = catalog.updateKey(keyId, k -> k.withMaterials(k.materials().stream().map(m -> {
      if (!m.id().equals(materialId) || !stored.compareAndSet(false, true)) {
        return m;
      }
      // Never beyond the limit: a count read back after a crash then still allows what was allowed.
      block[0] = m.encryptionsReserved();
      block[1] = Math.max(block[0], Math.min(limit, block[0] + this.block));
      return m.withEncryptionsReserved(block[1]);
    }).toList()));
    if (!stored.get()) {
      // The imported material was deleted (or expired) after this request resolved the key. Counting
      // in memory only would let a re-import of it start below what was used; refuse as for the key
      // as it now is (PendingImport, or PendingDeletion).
      String arn = updated.arn().value();
      KeyUsePolicy.requireEnabled(updated, arn);
      throw new KmsInvalidStateException(arn + " is pending import.");
    }
    if (block[1] <= block[0]) {
      return false;
    }
    // First the start, then the end: a thread that read the old end cannot take a number below the new start.
    counter.taken.set(block[0]);
    counter.end = block[1];
    return true;
  }

  /** This node's count of one material: the numbers it took, up to the end of its current block. */
  private static final class Counter {
    /** The last number taken (of the current block, or its end: none left). */
    final AtomicLong taken = new AtomicLong();
    /** The last number of this node's current block; 0 before its first. */
    volatile long end;
    final AtomicBoolean rotating = new AtomicBoolean();
    final AtomicBoolean warned = new AtomicBoolean();
    volatile boolean rotated;
    volatile Instant nextAttempt = Instant.MIN;
  }
}
