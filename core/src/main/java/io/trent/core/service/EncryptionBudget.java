package io.trent.core.service;

import io.trent.core.catalog.KeyCatalog;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KmsKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts AES-GCM encryptions per key material and asks for a rotation before random IVs become
 * unsafe. Counts are reserved in the metadata store a block ahead of use: one write per block,
 * and after a crash every reserved encryption counts as used, so the count never runs low.
 */
final class EncryptionBudget {
  private final KeyCatalog catalog;
  private final long rotateAt;
  private final long block;
  private final ConcurrentHashMap<KeyMaterialId, Counter> counters = new ConcurrentHashMap<>();
  private volatile Consumer<String> rotation = keyId -> { };

  EncryptionBudget(KeyCatalog catalog, long rotateAt, long block) {
    this.catalog = catalog;
    this.rotateAt = rotateAt;
    this.block = block;
  }

  /** Who rotates a key that has used up its budget (set once at wiring). */
  void onExhausted(Consumer<String> rotateKey) {
    this.rotation = rotateKey;
  }

  /** Accounts for one encryption under the material; call before encrypting. */
  void consume(KmsKey key, KeyMaterialId materialId) {
    Counter counter = counters.computeIfAbsent(materialId, id -> new Counter(
        key.material(id).map(KeyMaterial::encryptionsReserved).orElse(0L)));
    long n = counter.used.incrementAndGet();
    if (n > counter.reserved) {
      reserve(key.keyId(), materialId, counter, n);
    }
    if (n >= rotateAt && counter.rotationRequested.compareAndSet(false, true)) {
      rotation.accept(key.keyId());
    }
  }

  private void reserve(String keyId, KeyMaterialId materialId, Counter counter, long needed) {
    synchronized (counter) {
      if (needed <= counter.reserved) {
        return;
      }
      long target = Math.max(counter.reserved, needed - 1) + block;
      catalog.updateKey(keyId, k -> k.withMaterials(k.materials().stream()
          .map(m -> m.id().equals(materialId) ? m.withEncryptionsReserved(target) : m).toList()));
      counter.reserved = target;
    }
  }

  private static final class Counter {
    final AtomicLong used;
    final AtomicBoolean rotationRequested = new AtomicBoolean();
    volatile long reserved;

    Counter(long alreadyReserved) {
      this.used = new AtomicLong(alreadyReserved);
      this.reserved = alreadyReserved;
    }
  }
}
