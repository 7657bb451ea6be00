package io.trent.core.service;

import io.trent.core.audit.InternalEvent;
import io.trent.core.audit.InternalEvents;
import io.trent.core.catalog.KeyCatalog;
import io.trent.core.key.ImportToken;
import io.trent.core.key.KeyDestruction;
import io.trent.core.key.KeyMaterial;
import io.trent.core.key.KeyMaterialId;
import io.trent.core.key.KeyState;
import io.trent.core.key.KmsKey;
import io.trent.core.key.Origin;
import io.trent.core.spi.BackendObject;
import io.trent.core.spi.KeyBackend;
import io.trent.core.spi.Page;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares the metadata store with the objects Trent created in the token and finds every kind of drift a
 * crash between an HSM step and its metadata write can leave ({@link Drift.Kind}); repairs what the
 * {@link Mode} allows and reports the rest.
 *
 * <p>Every operation orders its steps so that a crash leaves only drift that is safe to keep: material is
 * created before the row that names it (a crash leaves an unlisted object, never a row without material), and
 * material is destroyed only after a row says it is going (a destruction begun, or a destruction record). So a
 * row's word is what makes a destruction safe; an object no row names is never destroyed on inference alone,
 * because a metadata database restored from an older backup looks exactly like a crashed CreateKey or rotation
 * and its objects may protect data ({@link Mode#DESTROY_UNTRACKED} is the operator saying it was not restored).
 *
 * <p>The rows are read after the objects are listed, so an object whose row commits in between counts as
 * tracked; an operation still between its HSM step and its row (on another node, or a server running beside
 * {@code trent reconcile}) is seen as drift for that moment, which is why the start-up run repairs only what a
 * row says.
 */
public final class Reconciler {
  private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());
  private static final int PAGE = 1000;

  private final KeyCatalog catalog;
  private final KeyBackend backend;
  private final MaintenanceService maintenance;
  private final ImportService imports;
  private final Clock clock;

  Reconciler(KeyCatalog catalog, KeyBackend backend, MaintenanceService maintenance, ImportService imports,
      Clock clock) {
    this.catalog = catalog;
    this.backend = backend;
    this.maintenance = maintenance;
    this.imports = imports;
    this.clock = clock;
  }

  /** How far a run goes: see {@link Drift.Kind#repairedIn}. */
  public enum Mode {
    /** Reports, changes nothing ({@code trent reconcile}). */
    REPORT,
    /** Repairs only what a row says is being destroyed, and stale wrapping keys: safe beside other nodes. */
    START_UP,
    /** Also destroys the material of crashed imports ({@code trent reconcile --repair}). */
    REPAIR,
    /** Also destroys material no row names ({@code --repair --destroy-untracked}): the database was not restored. */
    DESTROY_UNTRACKED
  }

  /**
   * What one run found.
   *
   * @param drift every difference found, each saying whether it was repaired
   * @param failures repairs that failed (the drift stays; the next run tries again)
   */
  public record Report(List<Drift> drift, int failures) {
    public Report {
      drift = List.copyOf(drift);
    }

    /** The drift this run left in place. */
    public List<Drift> remaining() {
      return drift.stream().filter(d -> !d.repaired()).toList();
    }

    /** True when the store and the token agree now. */
    public boolean clean() {
      return remaining().isEmpty() && failures == 0;
    }
  }

  /** Runs in {@code mode}, recording a finished key deletion or material expiry in {@code events}. */
  public Report run(Mode mode, InternalEvents events) {
    Instant now = clock.instant();
    List<BackendObject> objects = backend.listObjects();
    Map<String, BackendObject> materialObjects = new HashMap<>();
    List<BackendObject> wrappingKeys = new ArrayList<>();
    for (BackendObject object : objects) {
      if (object.kind() == BackendObject.Kind.KEY_MATERIAL) {
        materialObjects.put(object.id(), object);
      } else {
        wrappingKeys.add(object);
      }
    }
    Run run = new Run(mode, events);
    Set<String> listed = new HashSet<>();
    Map<String, KmsKey> keys = new HashMap<>();
    Map<String, ImportToken> tokensByWrappingKey = new HashMap<>();
    String marker = null;
    do {
      Page<KmsKey> page = catalog.listKeys(null, PAGE, marker); // every account's and region's keys
      for (KmsKey key : page.items()) {
        keys.put(key.keyId(), key);
        key.materials().forEach(m -> listed.add(m.id().toHex()));
        for (ImportToken token : catalog.findImportTokensOfKey(key.keyId())) {
          tokensByWrappingKey.put(token.wrappingKeyId(), token);
        }
        checkRow(key, materialObjects, now, run);
      }
      marker = page.nextMarker();
    } while (marker != null);

    for (BackendObject object : materialObjects.values()) {
      if (!listed.contains(object.id())) {
        checkUnlisted(object, keys.get(object.keyId()), run);
      }
    }
    for (BackendObject wrappingKey : wrappingKeys) {
      ImportToken token = tokensByWrappingKey.get(wrappingKey.id());
      if (token == null || !token.validTo().isAfter(now)) {
        run.found(token == null ? Drift.Kind.UNUSED_WRAPPING_KEY : Drift.Kind.STALE_WRAPPING_KEY, null,
            wrappingKey.id(), () -> backend.destroyImportWrappingKey(wrappingKey.id()));
      }
    }
    return new Report(run.drift, run.failures);
  }

  /** A row's materials against the token: deletions to finish, and material that is gone. */
  private void checkRow(KmsKey key, Map<String, BackendObject> objects, Instant now, Run run) {
    List<KeyMaterial> missing = key.materials().stream()
        .filter(m -> !objects.containsKey(m.id().toHex()) && !backend.keyExists(m.id()))
        .toList();
    if (key.state() == KeyState.PendingDeletion && !key.deletionDate().isAfter(now)) {
      // Due for destruction: with all material present, maintenance simply has not run yet (no drift).
      if (!missing.isEmpty()) {
        run.found(Drift.Kind.UNFINISHED_KEY_DELETION, key.keyId(), missing.get(0).id().toHex(), () -> {
          run.events.checkWritable();
          KmsKey gone = maintenance.destroy(key.keyId(), now);
          if (gone != null) {
            run.events.record(new InternalEvent(InternalEvent.Kind.DELETE_KEY, key.arn(),
                gone.materials().stream().map(m -> m.id().toHex()).toList()));
          }
        });
      }
      return;
    }
    Optional<KeyDestruction> removal = key.origin() == Origin.EXTERNAL ? unfinishedRemoval(key) : Optional.empty();
    if (removal.isPresent()) {
      KeyDestruction record = removal.get();
      run.found(Drift.Kind.UNFINISHED_MATERIAL_DELETION, key.keyId(), record.materialId().toHex(), () -> {
        boolean expiry = "IMPORTED_MATERIAL_EXPIRED".equals(record.reason());
        if (expiry) {
          run.events.checkWritable();
        }
        imports.finishRemoval(key);
        if (expiry) {
          run.events.record(new InternalEvent(InternalEvent.Kind.DELETE_EXPIRED_KEY_MATERIAL, key.arn(),
              List.of(record.materialId().toHex())));
        }
      });
      return;
    }
    for (KeyMaterial material : missing) {
      run.found(Drift.Kind.MISSING_MATERIAL, key.keyId(), material.id().toHex(), null);
    }
  }

  /**
   * A destruction record of one of the key's listed materials made after that material was stored: its removal
   * began (the record is written first) and the row was not updated. A record older than the material is of an
   * earlier import of the same material, which a re-import takes back under its old id.
   */
  private Optional<KeyDestruction> unfinishedRemoval(KmsKey key) {
    if (key.materials().isEmpty()) {
      return Optional.empty();
    }
    List<KeyDestruction> records = catalog.listDestructions(key.keyId());
    for (KeyMaterial material : key.materials()) {
      for (KeyDestruction record : records) {
        if (record.materialId().equals(material.id()) && !record.destroyedAt().isBefore(material.createdAt())) {
          return Optional.of(record);
        }
      }
    }
    return Optional.empty();
  }

  /** Key material no row lists. */
  private void checkUnlisted(BackendObject object, KmsKey key, Run run) {
    KeyMaterialId id = KeyMaterialId.fromHex(object.id());
    Runnable destroy = () -> {
      // Read again just before: an operation that was between its HSM step and its row may have finished.
      Optional<KmsKey> now = object.keyId() == null ? Optional.empty() : catalog.findKey(object.keyId());
      if (now.flatMap(k -> k.material(id)).isPresent()) {
        throw new IllegalStateException("material " + object.id() + " is now listed by its key; left alone");
      }
      backend.destroyKey(id);
    };
    Drift.Kind kind;
    if (key != null) {
      kind = key.origin() == Origin.EXTERNAL ? Drift.Kind.UNCOMMITTED_IMPORT : Drift.Kind.UNCOMMITTED_ROTATION;
    } else {
      boolean deleted = object.keyId() != null && catalog.listDestructions(object.keyId()).stream()
          .anyMatch(record -> record.materialId().equals(id));
      kind = deleted ? Drift.Kind.DESTROYED_MATERIAL_PRESENT : Drift.Kind.ORPHAN_MATERIAL;
    }
    run.found(kind, object.keyId(), object.id(), destroy);
  }

  /** The findings of one run, and the repairs its mode allows. */
  private static final class Run {
    private final Mode mode;
    private final InternalEvents events;
    private final List<Drift> drift = new ArrayList<>();
    private int failures;

    Run(Mode mode, InternalEvents events) {
      this.mode = mode;
      this.events = events;
    }

    /** Records a finding and, when the mode allows, repairs it ({@code repair} null: no repair exists). */
    void found(Drift.Kind kind, String keyId, String objectId, Runnable repair) {
      boolean repaired = false;
      if (repair != null && kind.repairedIn(mode)) {
        try {
          repair.run();
          repaired = true;
          LOG.log(System.Logger.Level.INFO, "Reconcile: repaired {0} (key {1}, object {2})", kind, keyId, objectId);
        } catch (RuntimeException e) {
          failures++;
          LOG.log(System.Logger.Level.WARNING, "Reconcile: repairing " + kind + " (key " + keyId + ", object "
              + objectId + ") failed; the next run tries again", e);
        }
      } else {
        LOG.log(System.Logger.Level.WARNING, "Reconcile: {0} (key {1}, object {2}) left in place", kind, keyId,
            objectId);
      }
      drift.add(new Drift(kind, keyId, objectId, repaired));
    }
  }
}
